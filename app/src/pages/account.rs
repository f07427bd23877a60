//! `/account`, `/account/security`, `/account/recovery-codes`: the user's own details (the right
//! to rectification), password, two-step verification, sessions and security activity.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use crate::api::account::UpdateProfile;
use crate::api::account::{
    AcknowledgeRecoveryCodes, BeginTwoFactor, ChangePassword, ConfirmTwoFactor, DisableTwoFactor, Me,
    RegenerateRecoveryCodes, RequestEmailChange, ResendVerification, RevokeOtherSessions, RevokeSession,
    SecurityOverview, get_recovery_codes, get_security_overview, list_time_zones,
};
use crate::components::form::{Field, FormAlert, Notice, action_error};
use crate::components::loading::Loading;
use crate::components::page::Page;
use crate::format::utc_minutes;
use crate::i18n::{Language, use_messages};
use crate::session::RequireUser;

fn flag(name: &'static str) -> Memo<bool> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get(name).is_some())
}

/// `/account`.
#[component]
pub fn AccountPage() -> impl IntoView {
    view! { <RequireUser children=|me: Me| view! { <AccountForms me /> } /> }
}

#[component]
fn AccountForms(me: Me) -> impl IntoView {
    let t = use_messages();
    let profile = ServerAction::<UpdateProfile>::new();
    let profile_error = action_error(profile);
    let email = ServerAction::<RequestEmailChange>::new();
    let email_error = action_error(email);
    let resend = ServerAction::<ResendVerification>::new();
    let zones = Resource::new(|| (), |_| list_time_zones());
    let current_zone = me.time_zone.clone();
    let notices = [
        ("saved", t.account.saved_notice),
        ("email_sent", t.account.email_change_sent),
        ("email_changed", t.account.email_changed_notice),
        ("verification_sent", t.account.verification_sent),
    ];
    view! {
        <Page title=t.account.account_title lead=t.account.account_lead>
            {notices.into_iter().map(|(name, text)| {
                let shown = flag(name);
                move || shown.get().then(|| view! { <Notice text /> })
            }).collect_view()}
            <section class="card" aria-labelledby="profile-heading">
                <h2 id="profile-heading">{t.account.profile_heading}</h2>
                <FormAlert error=profile_error fields=&["display_name", "time_zone"] />
                <ActionForm action=profile>
                    <Field label=t.auth.name_label name="display_name" autocomplete="name" required=true value=me.display_name.clone() error=profile_error />
                    <div class="field">
                        <label for="locale">{t.account.language_label}</label>
                        <select id="locale" name="locale">
                            {Language::ALL
                                .map(|locale| {
                                    let chosen = Language::parse(&me.locale) == Some(locale);
                                    view! { <option value=locale.tag() selected=chosen>{locale.native_name()}</option> }
                                })}
                        </select>
                    </div>
                    <div class="field">
                        <label for="time_zone">{t.account.time_zone_label}</label>
                        <select id="time_zone" name="time_zone">
                            <Suspense fallback=move || view! { <option value=current_zone.clone() selected=true>{current_zone.clone()}</option> }>
                                {move || {
                                    let selected = me.time_zone.clone();
                                    Suspend::new(async move {
                                        zones.await.unwrap_or_default().into_iter().map(|zone| {
                                            let is_selected = zone == selected;
                                            let label = zone.clone();
                                            view! { <option value=zone selected=is_selected>{label}</option> }
                                        }).collect_view()
                                    })
                                }}
                            </Suspense>
                        </select>
                    </div>
                    <button type="submit" class="button">{t.account.save}</button>
                </ActionForm>
            </section>
            <section class="card" aria-labelledby="email-heading">
                <h2 id="email-heading">{t.account.email_heading}</h2>
                <p>
                    <strong>{me.email.clone()}</strong>" · "
                    {if me.email_verified { t.account.verified_label } else { t.account.unverified_label }}
                </p>
                {(!me.email_verified).then(|| view! {
                    <ActionForm action=resend>
                        <button type="submit" class="button button--quiet">{t.auth.resend_link}</button>
                    </ActionForm>
                })}
                <FormAlert error=email_error fields=&["email", "password"] />
                <ActionForm action=email>
                    <Field label=t.account.new_email_label name="email" kind="email" autocomplete="email" required=true error=email_error />
                    <Field label=t.auth.current_password_label name="password" kind="password" autocomplete="current-password" required=true error=email_error />
                    <button type="submit" class="button">{t.account.change_email}</button>
                </ActionForm>
            </section>
        </Page>
    }
}

/// `/account/security`.
#[component]
pub fn SecurityPage() -> impl IntoView {
    view! { <RequireUser children=|_me: Me| view! { <SecuritySections /> } /> }
}

#[component]
fn SecuritySections() -> impl IntoView {
    let t = use_messages();
    // Every form here ends in a redirect back to this page with a new query: refetch then.
    let location = use_location();
    let overview =
        Resource::new(move || (location.search.get(), location.hash.get()), |_| get_security_overview());
    let notices = [
        ("password_changed", t.account.password_changed_notice),
        ("two_factor_on", t.account.two_factor_on_text),
        ("two_factor_off", t.account.two_factor_off_text),
    ];
    view! {
        <Page title=t.account.security_title lead=t.account.security_lead>
            {notices.into_iter().map(|(name, text)| {
                let shown = flag(name);
                move || shown.get().then(|| view! { <Notice text /> })
            }).collect_view()}
            <PasswordSection />
            <Loading>
                    {move || Suspend::new(async move {
                        overview.await.map(|overview| view! { <SecurityDetails overview /> })
                    })}
                </Loading>
        </Page>
    }
}

#[component]
fn PasswordSection() -> impl IntoView {
    let t = use_messages();
    let action = ServerAction::<ChangePassword>::new();
    let error = action_error(action);
    view! {
        <section class="card" aria-labelledby="password-heading">
            <h2 id="password-heading">{t.account.change_password_heading}</h2>
            <FormAlert error fields=&["current_password", "new_password"] />
            <ActionForm action>
                <Field label=t.auth.current_password_label name="current_password" kind="password" autocomplete="current-password" required=true error />
                <Field label=t.auth.new_password_label name="new_password" kind="password" autocomplete="new-password" required=true hint=t.auth.password_hint error />
                <button type="submit" class="button">{t.auth.save_password}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn SecurityDetails(overview: SecurityOverview) -> impl IntoView {
    let t = use_messages();
    let begin = ServerAction::<BeginTwoFactor>::new();
    let begin_error = action_error(begin);
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let confirm_error = action_error(confirm);
    let disable = ServerAction::<DisableTwoFactor>::new();
    let disable_error = action_error(disable);
    let regenerate = ServerAction::<RegenerateRecoveryCodes>::new();
    let regenerate_error = action_error(regenerate);
    let revoke = ServerAction::<RevokeSession>::new();
    let revoke_others = ServerAction::<RevokeOtherSessions>::new();

    let two_factor = if overview.two_factor {
        view! {
            <p>{t.account.two_factor_on_text}" "{t.account.recovery_left}": "<strong>{overview.recovery_codes_left}</strong></p>
            {(overview.recovery_codes_left == 0).then(|| view! {
                <div class="notice notice--error" role="alert"><p>{t.account.no_recovery_codes_left}</p></div>
            })}
            <FormAlert error=regenerate_error fields=&[] />
            <ActionForm action=regenerate>
                <Field label=t.auth.password_label name="password" kind="password" autocomplete="current-password" required=true error=regenerate_error />
                <button type="submit" class="button button--quiet">{t.account.new_recovery_codes}</button>
            </ActionForm>
            <FormAlert error=disable_error fields=&["password"] />
            <ActionForm action=disable>
                <Field label=t.auth.password_label name="password" kind="password" autocomplete="current-password" required=true error=disable_error />
                <button type="submit" class="button button--danger">{t.account.turn_off}</button>
            </ActionForm>
        }
        .into_any()
    } else if let Some(setup) = overview.setup {
        view! {
            <p>{t.account.scan_qr}</p>
            <div class="qr" role="img" aria-label=t.auth.two_factor_title inner_html=setup.qr_svg></div>
            <p>{t.account.setup_key}": "<code class="secret">{setup.secret}</code></p>
            <FormAlert error=confirm_error fields=&["code"] />
            <ActionForm action=confirm>
                <Field label=t.auth.code_label name="code" autocomplete="one-time-code" required=true error=confirm_error />
                <button type="submit" class="button">{t.account.turn_on}</button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! {
            <p>{t.account.two_factor_off_text}</p>
            <FormAlert error=begin_error fields=&["password"] />
            <ActionForm action=begin>
                <Field label=t.auth.password_label name="password" kind="password" autocomplete="current-password" required=true error=begin_error />
                <button type="submit" class="button">{t.account.turn_on}</button>
            </ActionForm>
        }
        .into_any()
    };

    view! {
        <section class="card" id="two-factor" aria-labelledby="two-factor-heading">
            <h2 id="two-factor-heading">{t.auth.two_factor_title}</h2>
            {two_factor}
        </section>
        <section class="card" id="sessions" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">{t.account.sessions_heading}</h2>
            <ul class="sessions">
                {overview.sessions.into_iter().map(|session| view! {
                    <li>
                        <p class="session-device">{session.user_agent.clone()}</p>
                        <p class="session-meta">
                            {session.ip.clone()}" · "{t.account.signed_in_at}" "{utc_minutes(&session.created_at)}" · "
                            {t.account.last_used}" "{utc_minutes(&session.last_seen_at)}
                        </p>
                        {if session.current {
                            view! { <p><strong>{t.account.this_device}</strong></p> }.into_any()
                        } else {
                            view! {
                                <ActionForm action=revoke>
                                    <input type="hidden" name="id" value=session.id />
                                    <button type="submit" class="button button--quiet">{t.account.end_session}</button>
                                </ActionForm>
                            }.into_any()
                        }}
                    </li>
                }).collect_view()}
            </ul>
            <ActionForm action=revoke_others>
                <button type="submit" class="button button--quiet">{t.account.end_other_sessions}</button>
            </ActionForm>
        </section>
        <section class="card" aria-labelledby="events-heading">
            <h2 id="events-heading">{t.account.events_heading}</h2>
            <div class="table-scroll">
                <table class="events">
                    <thead>
                        <tr>
                            <th scope="col">{t.account.event_col}</th>
                            <th scope="col">{t.account.when_col}</th>
                            <th scope="col">{t.account.where_col}</th>
                            <th scope="col">{t.account.device_col}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {overview.events.into_iter().map(|event| view! {
                            <tr>
                                <th scope="row"><code>{event.kind}</code></th>
                                <td><time datetime=event.at.clone()>{utc_minutes(&event.at)}</time></td>
                                <td>{event.ip}</td>
                                <td class="truncate">{event.user_agent}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// `/account/recovery-codes`: the new codes, shown until the user says they saved them.
#[component]
pub fn RecoveryCodesPage() -> impl IntoView {
    view! { <RequireUser children=|_me: Me| view! { <RecoveryCodes /> } /> }
}

#[component]
fn RecoveryCodes() -> impl IntoView {
    let t = use_messages();
    let location = use_location();
    let codes = Resource::new(move || location.search.get(), |_| get_recovery_codes());
    let acknowledge = ServerAction::<AcknowledgeRecoveryCodes>::new();
    view! {
        <Page title=t.account.recovery_title lead=t.account.recovery_lead>
            <section class="card">
                <Suspense fallback=move || view! { <p aria-busy="true">{t.shell.loading}</p> }>
                    {move || Suspend::new(async move {
                        match codes.await {
                            Ok(Some(codes)) => view! {
                                <ol class="recovery-codes">
                                    {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
                                </ol>
                                <ActionForm action=acknowledge>
                                    <button type="submit" class="button">{t.account.recovery_saved}</button>
                                </ActionForm>
                            }.into_any(),
                            Ok(None) => view! { <p>{t.account.no_recovery_codes}</p> }.into_any(),
                            Err(err) => view! { <p role="alert">{err.message(t)}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Page>
    }
}
