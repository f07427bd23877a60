//! Downloads of a connected account's history, streamed page by page (never buffered whole):
//! `GET /accounts/tiktok/{id}/export/{videos|snapshots|profile|totals}.{csv|json}?from=YYYY-MM-DD&to=YYYY-MM-DD`.
//! The columns are documented in `domain::tiktok::export` and the README. Only the account's owner can
//! download it. The days of `from` and `to` are whole days in the user's time zone, as on the
//! pages; every download is recorded in the user's security log (what, which account, which days).

use app::error::AppError;
use app::ssr::{AppState, Caller};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use chrono_tz::Tz;
use domain::services::Services;
use domain::tiktok::analytics::range::DateRange;
use domain::tiktok::export::{self, Dataset, Download, File, Format, Range};
use serde::Deserialize;

/// The export route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/accounts/tiktok/{id}/export/{file}", get(download))
}

#[derive(Debug, Deserialize)]
struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
}

/// The days asked for, as read (either end may be open).
type Days = (Option<NaiveDate>, Option<NaiveDate>);

/// The instants `[from, until)` of the days `from..=to` in `zone`, and the days themselves.
fn parse_range(query: &RangeQuery, zone: Tz) -> Result<(Range, Days), &'static str> {
    let day = |text: &Option<String>| -> Result<Option<NaiveDate>, &'static str> {
        match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(text) => {
                NaiveDate::parse_from_str(text, "%Y-%m-%d").map(Some).map_err(|_| "Dates are YYYY-MM-DD.")
            }
        }
    };
    let (first, last) = (day(&query.from)?, day(&query.to)?);
    if let (Some(first), Some(last)) = (first, last)
        && last < first
    {
        return Err("The range ends before it starts.");
    }
    let start = |day: NaiveDate| DateRange { from: day, to: day, zone }.start_of(day);
    let range = Range {
        from: first.map(start),
        // `to` is the last day included.
        until: last.map(|d| start(d.checked_add_days(chrono::Days::new(1)).unwrap_or(d))),
    };
    Ok((range, (first, last)))
}

async fn download(
    caller: Caller,
    Path((id, file)): Path<(i64, String)>,
    Query(query): Query<RangeQuery>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    // The session cookie is SameSite=Lax, so another site could send the user here: downloads
    // start only from Soco's own pages or an address the user typed.
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| !matches!(site, "same-origin" | "none"))
    {
        return Err(AppError::Forbidden);
    }
    let file = File::parse(&file).ok_or(AppError::NotFound)?;
    let zone = caller.zone();
    let (range, (first, last)) = match parse_range(&query, zone) {
        Ok(parsed) => parsed,
        Err(message) => return Ok((StatusCode::BAD_REQUEST, message).into_response()),
    };
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let days = format!("{}..{} ({zone})", day(first), day(last));
    let download =
        export::begin(&caller.services, caller.user(), id, file, range, &days, &caller.meta, caller.now)
            .await?;
    let headers = [
        (header::CONTENT_TYPE, file.content_type().to_owned()),
        (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", download.filename)),
    ];
    // Fused: the compression layer may poll once more after the end, which a bare `unfold` forbids.
    let rows = futures_util::StreamExt::fuse(stream(caller.services, download));
    Ok((headers, Body::from_stream(rows)).into_response())
}

/// Where the stream is: before the header, at a row id, or finished.
enum Cursor {
    Start,
    After(i64, bool),
    Done,
}

/// `download`'s file, page by page: the header, the rows, the closing bracket.
fn stream(
    services: Services,
    download: Download,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let Download { account, file: File { dataset, format }, range, .. } = download;
    futures_util::stream::unfold(Cursor::Start, move |cursor| {
        let services = services.clone();
        let account = account.clone();
        async move {
            let (after, first) = match cursor {
                Cursor::Done => return None,
                Cursor::Start => {
                    let head = match format {
                        Format::Csv => csv_line(dataset.columns()),
                        Format::Json => Ok(b"[".to_vec()),
                    };
                    return Some((head.map(Bytes::from), Cursor::After(0, true)));
                }
                Cursor::After(after, first) => (after, first),
            };
            let page = match dataset {
                Dataset::Videos => export::videos_page(&services, &account, range, after).await.map(encode),
                Dataset::Snapshots => {
                    export::snapshots_page(&services, &account, range, after).await.map(encode)
                }
                Dataset::Profile => export::profile_page(&services, &account, range, after).await.map(encode),
                Dataset::Totals => export::totals_page(&services, &account, range, after).await.map(encode),
            };
            let (rows, last) = match page {
                Ok(page) => page,
                Err(error) => {
                    tracing::error!(error = %error, "export page failed");
                    return Some((Err(std::io::Error::other("export failed")), Cursor::Done));
                }
            };
            if rows.is_empty() {
                let tail = if format == Format::Json { b"]".to_vec() } else { Vec::new() };
                return Some((Ok(Bytes::from(tail)), Cursor::Done));
            }
            let mut chunk = Vec::new();
            let mut first = first;
            for (fields, json) in rows {
                match format {
                    Format::Csv => match csv_line(&fields.iter().map(String::as_str).collect::<Vec<_>>()) {
                        Ok(line) => chunk.extend(line),
                        Err(error) => return Some((Err(error), Cursor::Done)),
                    },
                    Format::Json => {
                        if !first {
                            chunk.push(b',');
                        }
                        match json {
                            Ok(bytes) => chunk.extend(bytes),
                            Err(error) => return Some((Err(std::io::Error::other(error)), Cursor::Done)),
                        }
                    }
                }
                first = false;
            }
            Some((Ok(Bytes::from(chunk)), Cursor::After(last, first)))
        }
    })
}

/// A page's rows as (CSV fields, JSON bytes), with the page's last row id.
type Encoded = (Vec<(Vec<String>, serde_json::Result<Vec<u8>>)>, i64);

fn encode<R: export::Row>((rows, last): (Vec<R>, i64)) -> Encoded {
    (rows.iter().map(|r| (r.fields(), serde_json::to_vec(r))).collect(), last)
}

/// One CSV record (RFC 4180 quoting by the `csv` crate).
fn csv_line(fields: &[&str]) -> Result<Vec<u8>, std::io::Error> {
    // Every cell quoted: spreadsheets that split on `;` (Excel in Indonesian, among others) keep a
    // caption such as `x;=cmd` in one cell only when it is quoted.
    let mut writer = csv::WriterBuilder::new().quote_style(csv::QuoteStyle::Always).from_writer(Vec::new());
    writer.write_record(fields).map_err(std::io::Error::other)?;
    writer.into_inner().map_err(|e| std::io::Error::other(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_whole_days_in_the_users_zone_and_checked() {
        let query = |from: &str, to: &str| RangeQuery { from: Some(from.into()), to: Some(to.into()) };
        let (range, _) = parse_range(&query("2026-11-01", "2026-11-01"), chrono_tz::UTC).expect("one day");
        assert_eq!(range.until.zip(range.from).map(|(u, f)| u - f), Some(chrono::Duration::days(1)));
        // Jakarta is UTC+7: its 1 November starts at 17:00 UTC on 31 October.
        let (jakarta, days) =
            parse_range(&query("2026-11-01", "2026-11-02"), chrono_tz::Asia::Jakarta).expect("days");
        assert_eq!(days.0.map(|d| d.to_string()).as_deref(), Some("2026-11-01"));
        assert_eq!(jakarta.from.map(|t| t.to_rfc3339()).as_deref(), Some("2026-10-31T17:00:00+00:00"));
        assert_eq!(jakarta.until.map(|t| t.to_rfc3339()).as_deref(), Some("2026-11-02T17:00:00+00:00"));
        let (open, _) =
            parse_range(&RangeQuery { from: None, to: Some("2026-11-01".into()) }, chrono_tz::UTC)
                .expect("open start");
        assert!(open.from.is_none() && open.until.is_some());
        assert!(
            parse_range(&RangeQuery { from: Some("01/11/2026".into()), to: None }, chrono_tz::UTC).is_err()
        );
        assert!(parse_range(&query("2026-11-02", "2026-11-01"), chrono_tz::UTC).is_err());
    }

    #[test]
    fn csv_quotes_every_cell() {
        let line = csv_line(&["a", "b,c", "say \"hi\"", "x;=cmd|' /C calc'!A0"]).expect("line");
        assert_eq!(
            String::from_utf8(line).expect("utf-8"),
            "\"a\",\"b,c\",\"say \"\"hi\"\"\",\"x;=cmd|' /C calc'!A0\"\n"
        );
    }
}
