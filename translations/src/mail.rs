//! The mail Soco sends, in one language. A body's lines are its paragraphs; placeholders such as
//! `{account}` are filled with [`fill`](crate::fill), and each message's doc names its own.

/// Every message Soco mails, in one language.
#[derive(Debug)]
pub struct Mail {
    /// The first line: `{name}`.
    pub greeting: &'static str,
    /// The line under every message, for whoever did not ask for it.
    pub not_you: &'static str,
    /// "Confirm your email address", with the single-use link.
    pub verify_email: Message,
    /// Sent instead of a second account when someone registers with an address in use.
    pub already_registered: Message,
    /// "Reset your password", with the single-use 30-minute link.
    pub reset_password: Message,
    /// A TikTok account's grant stopped working: `{account}` in the subject and body.
    pub tiktok_reconnect: Message,
    /// "Confirm your new address", sent to the new address of an email change.
    pub confirm_new_email: Message,
    /// A privacy request's deadline was extended: `{kind}`, `{day}` (the new deadline),
    /// `{reason}`.
    pub request_extended: Message,
    /// An account deletion was scheduled: `{day}` (when everything is deleted).
    pub erasure_scheduled: Message,
    /// An account was deleted: `{rows}` (how many rows), `{receipt}` (the receipt's hash of the
    /// account). No button: there is nothing left to sign in to.
    pub account_erased: Notice,
    /// The button under every security alert.
    pub review_security: &'static str,
    /// A sign-in from a browser not seen before: `{when}`, `{ip}`, `{device}`.
    pub new_device: Notice,
    /// The password was changed or reset.
    pub password_changed: Notice,
    /// 2FA was turned on.
    pub two_factor_enabled: Notice,
    /// The second step failed often enough to lock it: `{ip}`.
    pub second_factor_failures: Notice,
    /// 2FA was turned off.
    pub two_factor_disabled: Notice,
    /// A change of address was asked for (to the current address): `{new_email}`.
    pub email_change_requested: Notice,
    /// A scheduled deletion was cancelled by signing in: `{ip}`.
    pub erasure_cancelled: Notice,
    /// The address changed (to the old address): `{new_email}`.
    pub email_changed: Notice,
}

/// A message with a button: subject, body and the button's label.
#[derive(Debug)]
pub struct Message {
    pub subject: &'static str,
    pub body: &'static str,
    pub button: &'static str,
}

/// A security alert: subject and body (its button is [`Mail::review_security`]).
#[derive(Debug)]
pub struct Notice {
    pub subject: &'static str,
    pub body: &'static str,
}
