//! A chart's numbers as a table, so the server (and a browser without JavaScript, and a screen
//! reader) shows exactly the data the canvas draws.
//!
//! The server reads it out of a charming `Chart`'s ECharts option: a category axis gives the rows
//! and each series a column; otherwise each point's name or x value is a row (pie slices, time
//! series). The browser only receives the finished text.

use serde::{Deserialize, Serialize};

/// A chart's data as rows and columns of display text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChartTable {
    /// Heading of the first column (the category axis' name, often empty).
    pub row_header: String,
    /// One heading per series.
    pub columns: Vec<String>,
    /// One row per category or x value.
    pub rows: Vec<ChartRow>,
}

/// One row of a [`ChartTable`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartRow {
    /// The category, slice name or x value.
    pub label: String,
    /// One formatted value per column; `–` where a series has no value.
    pub cells: Vec<String>,
}

/// Reading a table out of a chart's option (the server side).
#[cfg(feature = "ssr")]
mod reading {
    use charming::Chart;
    use serde_json::Value;

    use super::{ChartRow, ChartTable};
    use crate::i18n::Language;

    const MISSING: &str = "–";

    impl ChartTable {
        /// Extracts the table from a chart, formatting numbers for `locale`.
        pub fn from_chart(chart: &Chart, locale: Language) -> Self {
            let option = serde_json::to_value(chart).unwrap_or(Value::Null);
            let series = as_list(&option["series"]);
            let columns = series
                .iter()
                .enumerate()
                .map(|(i, s)| s["name"].as_str().map(str::to_owned).unwrap_or_else(|| format!("{}", i + 1)))
                .collect::<Vec<_>>();

            let category_axis = ["xAxis", "yAxis"]
                .iter()
                .find_map(|key| as_list(&option[*key]).into_iter().find(|axis| axis["data"].is_array()));
            if let Some(axis) = category_axis {
                let categories = as_list(&axis["data"]);
                let rows = categories
                    .iter()
                    .enumerate()
                    .map(|(i, category)| ChartRow {
                        label: label_text(category),
                        cells: series
                            .iter()
                            .map(|s| {
                                as_list(&s["data"])
                                    .get(i)
                                    .map(|point| format_value(&point_value(point), locale))
                                    .unwrap_or_else(|| MISSING.into())
                            })
                            .collect(),
                    })
                    .collect();
                return Self { row_header: axis["name"].as_str().unwrap_or_default().into(), columns, rows };
            }

            // No category axis: pivot (x or name, value) points of every series into rows.
            let mut rows: Vec<ChartRow> = Vec::new();
            for (column, s) in series.iter().enumerate() {
                for point in as_list(&s["data"]) {
                    let label = point_label(point);
                    let index = match rows.iter().position(|row| row.label == label) {
                        Some(index) => index,
                        None => {
                            rows.push(ChartRow { label, cells: vec![MISSING.into(); columns.len()] });
                            rows.len() - 1
                        }
                    };
                    rows[index].cells[column] = format_value(&point_value(point), locale);
                }
            }
            Self { row_header: String::new(), columns, rows }
        }
    }

    fn as_list(value: &Value) -> Vec<&Value> {
        match value {
            Value::Array(items) => items.iter().collect(),
            Value::Null => Vec::new(),
            other => vec![other],
        }
    }

    /// The y value of a point: `v`, `{value: v}`, `[x, v]` or `{value: [x, v]}`.
    fn point_value(point: &Value) -> Value {
        let value = match point {
            Value::Object(item) => item.get("value").cloned().unwrap_or(Value::Null),
            other => other.clone(),
        };
        match value {
            Value::Array(pair) => pair.last().cloned().unwrap_or(Value::Null),
            other => other,
        }
    }

    /// The row label of a point without a category axis: its name, or its x value.
    fn point_label(point: &Value) -> String {
        if let Some(name) = point.get("name").and_then(Value::as_str) {
            return name.to_owned();
        }
        let value = point.get("value").unwrap_or(point);
        match value {
            Value::Array(pair) => pair.first().map(label_text).unwrap_or_default(),
            other => label_text(other),
        }
    }

    fn label_text(value: &Value) -> String {
        match value {
            Value::String(text) => text.clone(),
            Value::Object(item) => item.get("value").map(label_text).unwrap_or_default(),
            Value::Null => String::new(),
            other => other.to_string(),
        }
    }

    fn format_value(value: &Value, locale: Language) -> String {
        match value {
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    locale.format_count(u)
                } else if let Some(i) = n.as_i64() {
                    format!("-{}", locale.format_count(i.unsigned_abs()))
                } else {
                    let f = n.as_f64().unwrap_or_default();
                    if f.fract() == 0.0 && f.abs() < 9.0e15 {
                        let count = locale.format_count(f.abs() as u64);
                        return if f < 0.0 { format!("-{count}") } else { count };
                    }
                    let text = format!("{f:.2}");
                    let text = text.trim_end_matches('0').trim_end_matches('.').to_owned();
                    match locale {
                        Language::Id => text.replace('.', ","),
                        Language::En => text,
                    }
                }
            }
            Value::String(text) if text != "-" => text.clone(),
            _ => MISSING.into(),
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::i18n::Language;
    use charming::Chart;
    use charming::component::Axis;
    use charming::element::AxisType;
    use charming::series::{Line, Pie};

    #[test]
    fn category_axis_gives_rows_and_series_give_columns() {
        let chart = Chart::new()
            .x_axis(Axis::new().type_(AxisType::Category).data(vec!["Mon", "Tue", "Wed"]))
            .y_axis(Axis::new().type_(AxisType::Value))
            .series(Line::new().name("Views").data(vec![1200, 3400, 5600, 7]))
            .series(Line::new().name("Likes").data(vec![10.5, 20.25, 3000.0]));
        let table = ChartTable::from_chart(&chart, Language::En);
        assert_eq!(table.columns, ["Views", "Likes"]);
        assert_eq!(table.rows.len(), 3, "values past the last category are not shown");
        assert_eq!(
            table.rows[0],
            ChartRow { label: "Mon".into(), cells: vec!["1,200".into(), "10.5".into()] }
        );
        assert_eq!(table.rows[2].cells, ["5,600", "3,000"]);
        let id = ChartTable::from_chart(&chart, Language::Id);
        assert_eq!(id.rows[1].cells, ["3.400", "20,25"]);
    }

    #[test]
    fn named_points_become_rows() {
        let chart = Chart::new().series(Pie::new().name("Orders").data(vec![(40, "Paid"), (7, "Cancelled")]));
        let table = ChartTable::from_chart(&chart, Language::En);
        assert_eq!(table.columns, ["Orders"]);
        assert_eq!(table.rows[1], ChartRow { label: "Cancelled".into(), cells: vec!["7".into()] });
    }

    #[test]
    fn time_series_pivot_on_x() {
        let chart = Chart::new()
            .x_axis(Axis::new().type_(AxisType::Time))
            .series(Line::new().name("A").data(vec![vec!["2026-11-01".to_string(), "5".into()]]))
            .series(Line::new().name("B").data(vec![
                vec!["2026-11-01".to_string(), "7".into()],
                vec!["2026-11-02".to_string(), "9".into()],
            ]));
        let table = ChartTable::from_chart(&chart, Language::En);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].cells, ["5", "7"]);
        assert_eq!(
            table.rows[1],
            ChartRow { label: "2026-11-02".into(), cells: vec!["–".into(), "9".into()] }
        );
    }

    #[test]
    fn empty_chart_gives_empty_table() {
        assert_eq!(ChartTable::from_chart(&Chart::new(), Language::En), ChartTable::default());
    }
}
