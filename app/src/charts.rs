//! Chart option builders: pure functions from a page's numbers to a charming [`Chart`]. They run
//! on the server only: server functions send the result as a
//! [`ChartView`](crate::components::chart::ChartView) (option JSON and table), so the browser
//! build carries no chart code. Their JSON is snapshot-tested.

use charming::Chart;
use charming::component::{Axis, Grid, Legend};
use charming::datatype::{CompositeValue, DataPoint};
use charming::element::{AxisLabel, AxisType, Tooltip, Trigger};
use charming::series::{Bar, Line};

use crate::api::system::TableSize;

/// Series colours, in order: Soco's pink and teal, then neutrals that read on light and dark.
pub const PALETTE: [&str; 6] = ["#e4123f", "#0e9e99", "#f59e0b", "#6366f1", "#64748b", "#22c55e"];

/// Rows per table as vertical bars, one bar per table.
pub fn table_sizes(tables: &[TableSize], rows_label: &str) -> Chart {
    Chart::new()
        .color(PALETTE.iter().map(|c| charming::element::Color::from(*c)).collect())
        .background_color("transparent")
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .grid(Grid::new().left(8).right(16).top(16).bottom(8).contain_label(true))
        .x_axis(
            Axis::new()
                .type_(AxisType::Category)
                .data(tables.iter().map(|t| t.table.clone()).collect())
                .axis_label(AxisLabel::new().interval(0).rotate(30)),
        )
        .y_axis(Axis::new().type_(AxisType::Value).min_interval(1))
        .series(
            Bar::new()
                .name(rows_label)
                .bar_width("50%")
                .data(tables.iter().map(|t| i64::try_from(t.rows).unwrap_or(i64::MAX)).collect()),
        )
}

/// ECharts' mark for a missing value: the line breaks there and the table shows a dash.
const GAP: &str = "-";

fn point(value: Option<i64>) -> DataPoint {
    match value {
        Some(v) => DataPoint::from(CompositeValue::from(v)),
        None => DataPoint::from(CompositeValue::from(GAP)),
    }
}

fn base(categories: &[String], legend: bool) -> Chart {
    let chart = Chart::new()
        .color(PALETTE.iter().map(|c| charming::element::Color::from(*c)).collect())
        .background_color("transparent")
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .grid(Grid::new().left(8).right(16).top(if legend { 36 } else { 16 }).bottom(8).contain_label(true))
        .x_axis(Axis::new().type_(AxisType::Category).data(categories.to_vec()))
        .y_axis(Axis::new().type_(AxisType::Value).min_interval(1).scale(true));
    if legend { chart.legend(Legend::new().top(0)) } else { chart }
}

/// One line per named series over `categories` (days or instants); `None` values leave gaps.
/// Points are marked when a series has few readings (one reading is only a point).
pub fn lines(categories: &[String], series: &[(String, Vec<Option<i64>>)]) -> Chart {
    series.iter().fold(base(categories, series.len() > 1), |chart, (name, values)| {
        let readings = values.iter().filter(|v| v.is_some()).count();
        chart.series(
            Line::new()
                .name(name.as_str())
                .show_symbol(readings <= 31)
                .connect_nulls(true)
                .data(values.iter().copied().map(point).collect::<Vec<_>>()),
        )
    })
}

/// Daily bars of one series; `None` days are left empty.
pub fn bars(categories: &[String], name: &str, values: &[Option<i64>]) -> Chart {
    base(categories, false)
        .series(Bar::new().name(name).data(values.iter().copied().map(point).collect::<Vec<_>>()))
}

/// A rate (0.05 is 5%) as a percentage line with two decimals.
pub fn percent_line(categories: &[String], name: &str, rates: &[Option<f64>]) -> Chart {
    let points: Vec<DataPoint> = rates
        .iter()
        .map(|rate| match rate {
            Some(r) => DataPoint::from(CompositeValue::from((r * 10_000.0).round() / 100.0)),
            None => DataPoint::from(CompositeValue::from(GAP)),
        })
        .collect();
    Chart::new()
        .color(PALETTE.iter().map(|c| charming::element::Color::from(*c)).collect())
        .background_color("transparent")
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .grid(Grid::new().left(8).right(16).top(16).bottom(8).contain_label(true))
        .x_axis(Axis::new().type_(AxisType::Category).data(categories.to_vec()))
        .y_axis(Axis::new().type_(AxisType::Value).axis_label(AxisLabel::new().formatter("{value}%")))
        .series(Line::new().name(name).connect_nulls(true).data(points))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(n: usize) -> Vec<String> {
        (1..=n).map(|d| format!("2026-11-{d:02}")).collect()
    }

    #[test]
    fn follower_comparison_option() {
        let chart = lines(
            &days(3),
            &[
                ("Rizky (@rizky)".into(), vec![Some(1200), None, Some(1350)]),
                ("Sari".into(), vec![None, Some(90), Some(95)]),
            ],
        );
        insta::assert_json_snapshot!(chart);
    }

    #[test]
    fn daily_views_option() {
        insta::assert_json_snapshot!(bars(&days(3), "Views", &[Some(5000), None, Some(7000)]));
    }

    #[test]
    fn engagement_trend_option() {
        insta::assert_json_snapshot!(percent_line(&days(2), "Engagement rate", &[Some(0.08125), None]));
    }

    #[test]
    fn gaps_show_as_dashes_in_the_table() {
        let chart = lines(&days(2), &[("Followers".into(), vec![None, Some(1000)])]);
        let table = crate::components::chart_table::ChartTable::from_chart(&chart, crate::i18n::Language::Id);
        assert_eq!(table.rows[0].cells, ["–"]);
        assert_eq!(table.rows[1].cells, ["1.000"]);
    }

    #[test]
    fn table_sizes_option() {
        let chart = table_sizes(
            &[
                TableSize { table: "seaql_migrations".into(), rows: 1 },
                TableSize { table: "users".into(), rows: 1234 },
            ],
            "Rows",
        );
        insta::assert_json_snapshot!(chart);
    }
}
