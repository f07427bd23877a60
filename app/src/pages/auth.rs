//! Signing up and in: registration, login, the second factor, password reset and the pages the
//! emailed links open. Every form is a plain HTML form that JavaScript enhances.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::auth::{
    ConfirmEmailChange, ForgotPassword, Login, Register, ResetPassword, VerifyEmail, VerifySecondFactor,
};
use crate::components::form::{Checkbox, Field, FormAlert, Notice, action_error};
use crate::components::page::Page;
use crate::i18n::{use_locale, use_messages};

fn query_flag(name: &'static str) -> Memo<bool> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get(name).is_some())
}

fn query_value(name: &'static str) -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get(name).unwrap_or_default())
}

/// `/login`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let t = use_messages();
    let action = ServerAction::<Login>::new();
    let error = action_error(action);
    let next = query_value("next");
    let notices = [
        ("registered", t.auth.registered_notice),
        ("signed_out", t.auth.signed_out_notice),
        ("verified", t.auth.verified_notice),
        ("reset", t.auth.reset_done_notice),
        ("email_changed", t.account.email_changed_sign_in_notice),
        ("deletion_scheduled", t.privacy.deletion_scheduled_notice),
    ];
    view! {
        <Page title=t.auth.login_title>
            {notices.into_iter().map(|(flag, text)| {
                let shown = query_flag(flag);
                move || shown.get().then(|| view! { <Notice text /> })
            }).collect_view()}
            <section class="card form-card">
                <FormAlert error fields=&["email", "password"] unauthorized=t.errors.wrong_credentials />
                <ActionForm action>
                    <Field label=t.auth.email_label name="email" kind="email" autocomplete="username" required=true error />
                    <Field label=t.auth.password_label name="password" kind="password" autocomplete="current-password" required=true error />
                    <input type="hidden" name="next" value=move || next.get() />
                    <button type="submit" class="button" disabled=move || action.pending().get()>{t.auth.log_in}</button>
                </ActionForm>
                <p><A href="/forgot-password">{t.auth.forgot_link}</A></p>
                <p>{t.auth.no_account}" "<A href="/register">{t.auth.register}</A></p>
            </section>
        </Page>
    }
}

/// `/register`.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let action = ServerAction::<Register>::new();
    let error = action_error(action);
    let time_zone = RwSignal::new(String::new());
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| time_zone.set(browser_time_zone()));
    view! {
        <Page title=t.auth.register_title lead=t.auth.register_lead>
            <section class="card form-card">
                <FormAlert error fields=&["email", "display_name", "password", "adult", "accept_terms"] />
                <ActionForm action>
                    <Field label=t.auth.name_label name="display_name" autocomplete="name" required=true error />
                    <Field label=t.auth.email_label name="email" kind="email" autocomplete="email" required=true error />
                    <Field label=t.auth.password_label name="password" kind="password" autocomplete="new-password" required=true hint=t.auth.password_hint error />
                    <Checkbox name="adult" error>{t.auth.adult_label}</Checkbox>
                    <Checkbox name="accept_terms" error>
                        {t.auth.terms_label_before}" "<a href="/terms" target="_blank">{t.auth.terms_link}</a>" "
                        {t.auth.terms_label_and}" "<a href="/privacy-policy" target="_blank">{t.auth.privacy_link}</a>
                    </Checkbox>
                    <input type="hidden" name="locale" value=locale.tag() />
                    <input type="hidden" name="time_zone" value=move || time_zone.get() />
                    <button type="submit" class="button" disabled=move || action.pending().get()>{t.auth.register}</button>
                </ActionForm>
                <p>{t.auth.have_account}" "<A href="/login">{t.auth.log_in}</A></p>
            </section>
        </Page>
    }
}

/// The browser's IANA time zone, e.g. `Asia/Jakarta`.
#[cfg(feature = "hydrate")]
fn browser_time_zone() -> String {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
        .unwrap_or_default()
}

/// `/login/two-factor`.
#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let t = use_messages();
    let action = ServerAction::<VerifySecondFactor>::new();
    let error = action_error(action);
    view! {
        <Page title=t.auth.two_factor_title lead=t.auth.two_factor_lead>
            <section class="card form-card">
                <FormAlert error fields=&["code"] unauthorized=t.errors.unauthorized />
                <ActionForm action>
                    <Field label=t.auth.code_label name="code" autocomplete="one-time-code" required=true error />
                    <button type="submit" class="button" disabled=move || action.pending().get()>{t.auth.verify_button}</button>
                </ActionForm>
            </section>
        </Page>
    }
}

/// `/forgot-password`.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let t = use_messages();
    let action = ServerAction::<ForgotPassword>::new();
    let error = action_error(action);
    let sent = query_flag("sent");
    view! {
        <Page title=t.auth.forgot_title lead=t.auth.forgot_lead>
            {move || sent.get().then(|| view! { <Notice text=t.auth.forgot_sent /> })}
            <section class="card form-card">
                <FormAlert error fields=&["email"] />
                <ActionForm action>
                    <Field label=t.auth.email_label name="email" kind="email" autocomplete="email" required=true error />
                    <button type="submit" class="button" disabled=move || action.pending().get()>{t.auth.send_link}</button>
                </ActionForm>
            </section>
        </Page>
    }
}

/// `/reset-password?token=...`.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let t = use_messages();
    let action = ServerAction::<ResetPassword>::new();
    let error = action_error(action);
    let token = query_value("token");
    view! {
        <Page title=t.auth.reset_title>
            <section class="card form-card">
                <FormAlert error fields=&["password"] />
                <ActionForm action>
                    <input type="hidden" name="token" value=move || token.get() />
                    <Field label=t.auth.new_password_label name="password" kind="password" autocomplete="new-password" required=true hint=t.auth.password_hint error />
                    <button type="submit" class="button" disabled=move || action.pending().get()>{t.auth.save_password}</button>
                </ActionForm>
            </section>
        </Page>
    }
}

/// Pages that confirm something from an emailed link with one button (opening a link must not
/// change anything). Each is bound to its own server function, so the page is written once here.
macro_rules! confirm_by_token_page {
    ($(#[$doc:meta])* $page:ident, $action:ty, $title:ident) => {
        $(#[$doc])*
        #[component]
        pub fn $page() -> impl IntoView {
            let t = use_messages();
            let action = ServerAction::<$action>::new();
            let error = action_error(action);
            let token = query_value("token");
            view! {
                <Page title=t.auth.$title lead=t.auth.verify_lead>
                    <section class="card form-card">
                        <FormAlert error />
                        <ActionForm action>
                            <input type="hidden" name="token" value=move || token.get() />
                            <button type="submit" class="button" disabled=move || action.pending().get()>
                                {t.auth.confirm_button}
                            </button>
                        </ActionForm>
                    </section>
                </Page>
            }
        }
    };
}

confirm_by_token_page!(
    /// `/verify-email?token=...`: confirms the address of a new account.
    VerifyEmailPage,
    VerifyEmail,
    verify_title
);

confirm_by_token_page!(
    /// `/confirm-email?token=...`: confirms a new address.
    ConfirmEmailPage,
    ConfirmEmailChange,
    confirm_email_title
);
