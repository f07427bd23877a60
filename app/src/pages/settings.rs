//! `/settings`: the installation's status (database backend, schema, table sizes, failing jobs)
//! and, for the operator, the way to the queue of privacy requests.

use leptos::prelude::*;

use crate::api::account::Me;
use crate::api::system::{DatabaseStatus, get_database_status};
use crate::components::chart::Chart;
use crate::components::loading::Loading;
use crate::components::page::Page;
use crate::format::utc_minutes;
use crate::i18n::{use_locale, use_messages};
use crate::session::RequireUser;

/// The settings page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    view! { <RequireUser children=|me: Me| view! { <Settings operator=me.is_operator /> } /> }
}

#[component]
fn Settings(operator: bool) -> impl IntoView {
    let t = use_messages();
    view! {
        <Page title=t.shell.nav_settings lead=t.settings.settings_intro>
            <section class="card" aria-labelledby="system-heading">
                <h2 id="system-heading">{t.settings.system_heading}</h2>
                {if operator { view! { <SystemStatus /> }.into_any() } else { view! { <p>{t.shell.operator_only}</p> }.into_any() }}
            </section>
            {operator.then(|| view! {
                <section class="card" aria-labelledby="requests-link-heading">
                    <h2 id="requests-link-heading">{t.privacy.queue_heading}</h2>
                    <p>{t.privacy.queue_lead}</p>
                    <p><a href="/settings/privacy-requests">{t.privacy.queue_open}</a></p>
                </section>
            })}
        </Page>
    }
}

/// The operator's view of the database.
#[component]
fn SystemStatus() -> impl IntoView {
    let status = Resource::new(|| (), |_| get_database_status());
    view! {
                <Loading>
                        {move || Suspend::new(async move {
                            status.await.map(|status| view! { <DatabaseStatusView status /> })
                        })}
                    </Loading>
    }
}

/// Background jobs that keep failing: what, since when, how often, why, and whether given up.
#[component]
fn FailingJobs(jobs: Vec<crate::api::system::FailingJob>) -> impl IntoView {
    let t = use_messages();
    if jobs.is_empty() {
        return view! { <section aria-labelledby="jobs-heading"><h3 id="jobs-heading">{t.settings.jobs_failing_heading}</h3><p>{t.settings.jobs_none_failing}</p></section> }.into_any();
    }
    view! {
        <section aria-labelledby="jobs-heading">
            <h3 id="jobs-heading">{t.settings.jobs_failing_heading}</h3>
            <table class="failing-jobs">
                <thead>
                    <tr>
                        <th scope="col">{t.settings.jobs_kind}</th>
                        <th scope="col">{t.settings.jobs_since}</th>
                        <th scope="col">{t.settings.jobs_attempts}</th>
                        <th scope="col">{t.settings.jobs_state}</th>
                        <th scope="col">{t.settings.jobs_error}</th>
                    </tr>
                </thead>
                <tbody>
                    {jobs
                        .into_iter()
                        .map(|job| {
                            let since = job.since.as_deref().map(utc_minutes).unwrap_or_default();
                            let state = if job.given_up_at.is_some() { t.settings.jobs_given_up } else { t.settings.jobs_retrying };
                            view! {
                                <tr>
                                    <th scope="row"><code>{job.key.unwrap_or(job.kind)}</code></th>
                                    <td>{since}</td>
                                    <td>{job.attempts}</td>
                                    <td>{state}</td>
                                    <td>{job.error}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
    .into_any()
}

#[component]
fn DatabaseStatusView(status: DatabaseStatus) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let pending = status.pending();
    let chart = status.tables_chart.clone();
    let schema_state = if pending == 0 {
        t.settings.schema_up_to_date.to_owned()
    } else {
        format!("{} ({})", t.settings.schema_pending, locale.format_count(pending as u64))
    };
    view! {
        <dl class="facts">
            <div>
                <dt>{t.settings.database_backend}</dt>
                <dd>{status.backend.clone()}</dd>
            </div>
            <div>
                <dt>{t.settings.schema_heading}</dt>
                <dd class:warning=move || pending != 0>{schema_state}</dd>
            </div>
        </dl>
        <Chart id="table-sizes-chart" label=t.settings.table_sizes_heading chart />
        <FailingJobs jobs=status.failing_jobs.clone() />
        <details class="migrations">
            <summary>{t.settings.schema_heading}</summary>
            <table>
                <thead>
                    <tr>
                        <th scope="col">{t.settings.migration_name}</th>
                        <th scope="col">{t.settings.migration_applied_at}</th>
                    </tr>
                </thead>
                <tbody>
                    {status
                        .migrations
                        .into_iter()
                        .map(|m| {
                            let applied = match m.applied_at {
                                Some(at) => view! { <time datetime=at.clone()>{utc_minutes(&at)}</time> }.into_any(),
                                None => view! { <span class="warning">{t.settings.migration_not_applied}</span> }.into_any(),
                            };
                            view! {
                                <tr>
                                    <th scope="row"><code>{m.name}</code></th>
                                    <td>{applied}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </details>
    }
}
