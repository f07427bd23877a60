// The ECharts that Soco's pages draw with: line and bar series on a grid, with an axis tooltip,
// a legend and the canvas renderer (ECharts' core registers the dark theme). `cargo xtask site`
// bundles this with esbuild into `pkg/charts.<hash>.js`, a plain script that sets `window.echarts`;
// only pages with a chart load it. Add a chart type or component here when a page needs one.
import { init, dispose, use } from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export { init, dispose };
