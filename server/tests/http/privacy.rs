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
    assert!(!settings.body.contains("Open the queue of privacy requests"));
    let queue = app.get_as(&member, "/settings/privacy-requests").await;
    assert!(!queue.body.contains("Record a request received by email"), "members have no queue");
    assert!(queue.body.contains("operator"), "{}", queue.body);
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
    assert_eq!(header(&recorded, header::LOCATION), "/settings/privacy-requests?recorded=1");

    let settings = app.get_as(&operator, "/settings/privacy-requests?recorded=1").await;
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
    let settings = app.get_as(&operator, "/settings/privacy-requests").await;
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

/// The session cookie a reply sets (`name=value`).
fn set_cookie(reply: &Reply) -> String {
    header(reply, header::SET_COOKIE).split(';').next().expect("pair").to_owned()
}

async fn deleting_the_account_ends_every_session_and_signing_in_offers_to_keep_it() {
    let app = TestApp::new().await;
    let _operator = app.signed_in("operator@example.id").await;
    let member = app.signed_in("member@example.id").await;
    let other_device = app.signed_in("member@example.id").await;

    let wrong =
        app.post_form(app::api::privacy::DeleteAccount::PATH, "password=nope&code=", Some(&member)).await;
    assert!(refusal(&wrong).contains("password"), "{}", wrong.body);
    assert_eq!(app.get_as(&member, "/privacy").await.status, StatusCode::OK, "nothing changed");

    let form = format!("password={}&code=", PASSWORD.replace(' ', "+"));
    let deleted = app.post_form(app::api::privacy::DeleteAccount::PATH, &form, Some(&member)).await;
    assert_eq!(deleted.status, StatusCode::FOUND, "{}", deleted.body);
    assert_eq!(header(&deleted, header::LOCATION), "/login?deletion_scheduled=1");
    assert!(header(&deleted, header::SET_COOKIE).contains("Max-Age=0"), "the cookie is cleared");
    for cookie in [&member, &other_device] {
        assert_eq!(app.get_as(cookie, "/privacy").await.status, StatusCode::FOUND, "every session ended");
    }
    let notice = app.get("/login?deletion_scheduled=1").await;
    assert!(notice.body.contains("scheduled for deletion"), "{}", notice.body);

    // Signing in within the grace period reaches only the page that offers to keep the account.
    let login = format!("email=member%40example.id&password={}", PASSWORD.replace(' ', "+"));
    let signed_in = app.post_form(app::api::auth::Login::PATH, &login, None).await;
    assert_eq!(header(&signed_in, header::LOCATION), "/login/deletion", "{}", signed_in.body);
    let pending = set_cookie(&signed_in);
    assert_eq!(app.get_as(&pending, "/privacy").await.status, StatusCode::FOUND, "it grants nothing else");
    let page = app.get_as(&pending, "/login/deletion").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("will be deleted on 20"), "{}", page.body);
    assert!(page.body.contains("Keep my account"));

    let kept = app.post_form(app::api::privacy::CancelDeletion::PATH, "", Some(&pending)).await;
    assert_eq!(header(&kept, header::LOCATION), "/privacy?deletion_cancelled=1", "{}", kept.body);
    let full = set_cookie(&kept);
    let privacy = app.get_as(&full, "/privacy?deletion_cancelled=1").await;
    assert_eq!(privacy.status, StatusCode::OK);
    assert!(privacy.body.contains("its deletion cancelled"), "{}", privacy.body);
    assert!(privacy.body.contains("Erasure"), "{}", privacy.body);
    assert!(privacy.body.contains("Cancelled"), "{}", privacy.body);
    let again = app.post_form(app::api::privacy::CancelDeletion::PATH, "", Some(&pending)).await;
    assert!(refusal(&again).contains("Unauthorized"), "the pending session is spent: {}", again.body);
}

on_both_databases!(
    deleting_the_account_ends_every_session_and_signing_in_offers_to_keep_it,
    the_privacy_centre_lists_rights_and_the_users_requests,
    the_operator_records_extends_and_completes_requests_without_javascript,
);
