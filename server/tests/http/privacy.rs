//! The privacy centre over HTTP: the page and its register, the operator's queue on the
//! Settings page, and its forms working without JavaScript (and refused to members).

use axum::http::{StatusCode, header};
use server_fn::ServerFn;

use crate::support::*;

/// The error of a form post refused without JavaScript: Leptos sends the browser back to the
/// form (with the error in its address) and the body holds the error.
fn refusal(reply: &Reply) -> &str {
    assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
    assert!(reply.headers.contains_key("serverfnerror"), "{:?}", reply.headers);
    assert!(header(reply, header::LOCATION).contains("__err="));
    &reply.body
}

async fn the_privacy_centre_lists_rights_and_the_users_requests() {
    let app = TestApp::new().await;
    assert_eq!(app.get("/privacy").await.status, StatusCode::FOUND, "signed-out visitors go to the login");
    let _operator = app.signed_in("operator@example.id").await;
    let member = app.signed_in("member@example.id").await;
    let form = "display_name=Rizky&locale=en&time_zone=Asia%2FJakarta";
    let saved = app.post_form(app::api::account::UpdateProfile::PATH, form, Some(&member)).await;
    assert_eq!(saved.status, StatusCode::FOUND, "{}", saved.body);

    let page = app.get_as(&member, "/privacy").await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Your rights",
        "Delete your account",
        "Withdraw consent",
        "Your requests",
        "Correction: name, time zone",
        "Completed",
    ] {
        assert!(page.body.contains(text), "{text} in {}", page.body);
    }
    assert!(!page.body.contains("Privacy requests"), "members have no queue");
    let settings = app.get_as(&member, "/settings").await;
    assert!(!settings.body.contains("Record a request received by email"));
}

async fn the_operator_records_extends_and_completes_requests_without_javascript() {
    let app = TestApp::new().await;
    let operator = app.signed_in("operator@example.id").await;
    let member = app.signed_in("member@example.id").await;

    let form = "email=member%40example.id&right=erasure&detail=Delete+my+data";
    let refused = app.post_form(app::api::privacy::RecordRequest::PATH, form, Some(&member)).await;
    assert!(refusal(&refused).contains("Forbidden"), "members cannot record");
    let recorded = app.post_form(app::api::privacy::RecordRequest::PATH, form, Some(&operator)).await;
    assert_eq!(recorded.status, StatusCode::FOUND, "{}", recorded.body);
    assert_eq!(header(&recorded, header::LOCATION), "/settings?recorded=1#privacy-requests");

    let settings = app.get_as(&operator, "/settings?recorded=1").await;
    for text in [
        "Request recorded.",
        "Privacy requests",
        "member@example.id",
        "Erasure: Delete my data",
        "30 days left",
    ] {
        assert!(settings.body.contains(text), "{text} in {}", settings.body);
    }
    let id = {
        use domain::entities::privacy_request;
        use domain::sea_orm::EntityTrait;
        privacy_request::Entity::find().all(&app.services.db).await.expect("db")[0].id
    };
    let bad = app
        .post_form(
            app::api::privacy::ExtendRequest::PATH,
            &format!("id={id}&months=3&reason=x"),
            Some(&operator),
        )
        .await;
    assert!(refusal(&bad).contains("extension_too_long"), "{}", bad.body);
    let extended = app
        .post_form(
            app::api::privacy::ExtendRequest::PATH,
            &format!("id={id}&months=1&reason=Backlog"),
            Some(&operator),
        )
        .await;
    assert_eq!(extended.status, StatusCode::FOUND, "{}", extended.body);
    let mine = app.get_as(&member, "/privacy").await;
    assert!(mine.body.contains("Extended to "), "{}", mine.body);
    assert!(mine.body.contains("Backlog"));

    let closed = app
        .post_form(
            app::api::privacy::CloseRequest::PATH,
            &format!("id={id}&decision=completed&outcome=Done"),
            Some(&operator),
        )
        .await;
    assert_eq!(closed.status, StatusCode::FOUND, "{}", closed.body);
    let settings = app.get_as(&operator, "/settings").await;
    assert!(settings.body.contains("No open requests."), "{}", settings.body);
    let again = app
        .post_form(
            app::api::privacy::CloseRequest::PATH,
            &format!("id={id}&decision=refused&outcome=No"),
            Some(&operator),
        )
        .await;
    assert!(refusal(&again).contains("Conflict"), "closed once: {}", again.body);
}

on_both_databases!(
    the_privacy_centre_lists_rights_and_the_users_requests,
    the_operator_records_extends_and_completes_requests_without_javascript,
);
