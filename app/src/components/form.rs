//! Form pieces shared by every form: labelled inputs that show their own validation message, and
//! the alert for errors that belong to no single field. Errors come from a server action's value,
//! which Leptos fills in both with JavaScript and after a plain form post.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::use_messages;

/// The error of the last submission of an action, if it failed.
pub fn action_error<A, O>(action: ServerAction<A>) -> Signal<Option<AppError>>
where
    A: server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
    ServerAction<A>: Copy,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

/// A labelled input with its hint and its own validation message.
#[component]
pub fn Field(
    /// The visible label.
    label: &'static str,
    /// The input's `name` (the server function's argument) and `id`.
    name: &'static str,
    /// The input type.
    #[prop(default = "text")]
    kind: &'static str,
    /// The `autocomplete` token.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// Whether the browser should insist on a value.
    #[prop(optional)]
    required: bool,
    /// A hint under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The initial value.
    #[prop(optional, into)]
    value: Option<String>,
    /// The form's last error.
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let t = use_messages();
    let message = move || error.get().filter(|e| e.field() == Some(name)).map(|e| e.message(t));
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if message().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field--invalid=move || message().is_some()>
            <label for=name>{label}</label>
            {hint.map(|hint| view! { <p class="field-hint" id=hint_id.clone()>{hint}</p> })}
            <input
                id=name
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                value=value
                aria-invalid=move || message().is_some().then_some("true")
                aria-describedby=described_by
            />
            {move || message().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
        </div>
    }
}

/// A labelled checkbox with its validation message.
#[component]
pub fn Checkbox(
    /// The input's `name` and `id`.
    name: &'static str,
    /// The form's last error.
    error: Signal<Option<AppError>>,
    /// The label's content.
    children: Children,
) -> impl IntoView {
    let t = use_messages();
    let message = move || error.get().filter(|e| e.field() == Some(name)).map(|e| e.message(t));
    let error_id = format!("{name}-error");
    view! {
        <div class="field field--check" class:field--invalid=move || message().is_some()>
            <input
                id=name
                name=name
                type="checkbox"
                value="on"
                aria-invalid=move || message().is_some().then_some("true")
                aria-describedby=move || message().is_some().then(|| format!("{name}-error"))
            />
            <label for=name>{children()}</label>
            {move || message().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
        </div>
    }
}

/// Errors that belong to no field of this form (`fields`), shown above it.
#[component]
pub fn FormAlert(
    /// The form's last error.
    error: Signal<Option<AppError>>,
    /// The fields that show their own errors.
    #[prop(optional)]
    fields: &'static [&'static str],
    /// How to word `Unauthorized` on this form (e.g. "Incorrect email or password").
    #[prop(optional)]
    unauthorized: Option<&'static str>,
) -> impl IntoView {
    let t = use_messages();
    let message = move || {
        error.get().filter(|e| e.field().is_none_or(|f| !fields.contains(&f))).map(|e| {
            match (&e, unauthorized) {
                (AppError::Unauthorized, Some(text)) => text.to_owned(),
                _ => e.message(t),
            }
        })
    };
    view! { {move || message().map(|m| view! { <div class="notice notice--error" role="alert"><p>{m}</p></div> })} }
}

/// A one-line success or information notice.
#[component]
pub fn Notice(
    /// The text.
    text: &'static str,
) -> impl IntoView {
    view! { <div class="notice notice--ok" role="status"><p>{text}</p></div> }
}
