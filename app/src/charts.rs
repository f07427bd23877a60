//! Chart option builders: pure functions from the numbers a server function returns to a
//! charming [`Chart`]. They run on both sides (the server renders the table from the result, the
//! browser draws it), so they must be deterministic. Their JSON is snapshot-tested.

use charming::Chart;
use charming::component::{Axis, Grid};
use charming::element::{AxisLabel, AxisType, Tooltip, Trigger};
use charming::series::Bar;

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

#[cfg(test)]
mod tests {
    use super::*;

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
