//! Signing up, in and out; email links; password reset.

use leptos::prelude::*;

use crate::error::AppError;

/// The sign-up form's fields, under the names the page posts. A ticked box posts a value;
/// `locale` and `time_zone` come from the browser when it says.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct RegisterForm {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub adult: Option<String>,
    pub accept_terms: Option<String>,
    pub locale: Option<String>,
    pub time_zone: Option<String>,
}

impl std::fmt::Debug for RegisterForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterForm").field("email", &self.email).finish_non_exhaustive()
    }
}

#[cfg(feature = "ssr")]
impl From<RegisterForm> for domain::users::Registration {
    fn from(form: RegisterForm) -> Self {
        Self {
            email: form.email,
            display_name: form.display_name,
            password: form.password.into(),
            // A ticked box posts a value; an empty one is not a yes.
            adult: form.adult.is_some_and(|value| !value.is_empty()),
            accept_terms: form.accept_terms.is_some_and(|value| !value.is_empty()),
            locale: form.locale.unwrap_or_default(),
            time_zone: form.time_zone.unwrap_or_default(),
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::RegisterForm;

    #[test]
    fn only_a_ticked_box_is_a_yes() {
        let form = |adult: Option<&str>| RegisterForm {
            email: "a@b.co".into(),
            display_name: "Ayu".into(),
            password: "long enough passphrase".into(),
            adult: adult.map(str::to_owned),
            accept_terms: Some("on".into()),
            locale: None,
            time_zone: None,
        };
        assert!(domain::users::Registration::from(form(Some("on"))).adult);
        assert!(!domain::users::Registration::from(form(Some(""))).adult);
        assert!(!domain::users::Registration::from(form(None)).adult);
        assert!(domain::users::Registration::from(form(None)).accept_terms);
    }
}

/// Creates an account (the answer is the same when the address is taken) and goes to the login
/// page with a note to check the inbox.
#[server]
pub async fn register(#[server(flatten)] form: RegisterForm) -> Result<(), AppError> {
    let visitor = crate::ssr::Visitor::new()?;
    domain::users::register(&visitor.services, form.into(), visitor.meta(), visitor.now()).await?;
    crate::ssr::redirect_local("/login?registered=1");
    Ok(())
}

/// Checks email and password; signs in, or asks for the second factor.
#[server]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use domain::users::LoginOutcome;
    let visitor = crate::ssr::Visitor::new()?;
    let outcome =
        domain::users::login(&visitor.services, &email, &password.into(), visitor.meta(), visitor.now())
            .await?;
    let (session, target) = match &outcome {
        LoginOutcome::SignedIn(session) => (session, after_sign_in(session, next.as_deref().unwrap_or("/"))),
        LoginOutcome::SecondFactorNeeded(pending) => (pending, "/login/two-factor"),
    };
    visitor.set_session_cookie(session)?;
    crate::ssr::redirect_local(target);
    Ok(())
}

/// Completes a login with a TOTP code or a recovery code.
#[server]
pub async fn verify_second_factor(code: String) -> Result<(), AppError> {
    let visitor = crate::ssr::Visitor::new()?;
    let pending = visitor.pending_second_factor()?;
    let session = domain::users::complete_second_factor(
        &visitor.services,
        pending,
        &code,
        visitor.meta(),
        visitor.now(),
    )
    .await?;
    visitor.set_session_cookie(&session)?;
    crate::ssr::redirect_local(after_sign_in(&session, "/"));
    Ok(())
}

/// Where a completed sign-in goes: `target`, or the page that offers to cancel the account's
/// deletion when one is scheduled (such a session grants nothing else).
#[cfg(feature = "ssr")]
fn after_sign_in<'a>(session: &domain::auth::session::NewSession, target: &'a str) -> &'a str {
    if session.stage == domain::auth::session::Stage::ErasurePending { "/login/deletion" } else { target }
}

/// Ends this session, and clears what the browser kept of the site (cache and storage).
#[server]
pub async fn logout() -> Result<(), AppError> {
    let visitor = crate::ssr::Visitor::new()?;
    if let (Some(session), Some(token)) = (&visitor.context.session, &visitor.context.token) {
        domain::users::logout(&visitor.services, session, token, visitor.meta(), visitor.now()).await?;
    }
    crate::ssr::clear_session_cookie(&visitor.services)?;
    crate::ssr::clear_site_data();
    crate::ssr::redirect_local("/login?signed_out=1");
    Ok(())
}

/// Confirms an email address from its link (the page's button posts here: no change over GET).
#[server]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    let visitor = crate::ssr::Visitor::new()?;
    domain::users::verify_email(&visitor.services, &token, visitor.meta(), visitor.now()).await?;
    crate::ssr::redirect_local("/login?verified=1");
    Ok(())
}

/// Confirms a new email address from its link. Every session of the account ends; a browser
/// signed in to it gets a new one, any other signs in again.
#[server]
pub async fn confirm_email_change(token: String) -> Result<(), AppError> {
    let visitor = crate::ssr::Visitor::new()?;
    let (services, signed_in, meta) = (&visitor.services, visitor.signed_in(), visitor.meta());
    let rotated =
        domain::users::confirm_email_change(services, &token, signed_in, meta, visitor.now()).await?;
    // This browser keeps its sign-in (a new session); any other signs in again.
    if let Some(session) = &rotated {
        visitor.set_session_cookie(session)?;
    }
    let next = if rotated.is_some() { "/account?email_changed=1" } else { "/login?email_changed=1" };
    crate::ssr::redirect_local(next);
    Ok(())
}

/// Emails a reset link if the address has an account; the answer is the same either way.
#[server]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    let visitor = crate::ssr::Visitor::new()?;
    domain::users::request_password_reset(&visitor.services, &email, visitor.meta(), visitor.now()).await?;
    crate::ssr::redirect_local("/forgot-password?sent=1");
    Ok(())
}

/// Sets a new password from a reset link; every session ends and the user logs in again.
#[server]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let visitor = crate::ssr::Visitor::new()?;
    domain::users::reset_password(&visitor.services, &token, &password.into(), visitor.meta(), visitor.now())
        .await?;
    crate::ssr::clear_session_cookie(&visitor.services)?;
    crate::ssr::redirect_local("/login?reset=1");
    Ok(())
}
