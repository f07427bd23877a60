//! The settings page and the operator's status server function.

use axum::http::StatusCode;
use server_fn::ServerFn;

use crate::support::*;

async fn settings_renders_the_database_status_with_its_table() {
    let app = TestApp::new().await;
    let cookie = app.signed_in("operator@example.id").await;
    let reply = app.get_as(&cookie, "/settings").await;
    assert_eq!(reply.status, StatusCode::OK);
    let html = &reply.body;
    assert!(html.contains(app.backend_name()), "the backend is named");
    assert!(html.contains("Up to date"));
    assert!(html.contains("Rows per table (Data table)"), "chart table caption");
    // (Type-erased views end a text node with a `<!>` marker: match the cell's start.)
    assert!(html.contains(r#"<th scope="row">users<"#), "{html}");
    assert!(html.contains(r#"id="table-sizes-chart""#));
    assert!(html.contains("m20261122_000001_create_users"));
}

async fn the_status_server_function_answers_get() {
    let app = TestApp::new().await;
    assert_eq!(
        app.get(app::api::system::GetDatabaseStatus::PATH).await.status,
        StatusCode::UNAUTHORIZED,
        "signed-out callers are refused"
    );
    let operator = app.signed_in("operator@example.id").await;
    let member = app.signed_in("member@example.id").await;
    let refused = app.get_as(&member, app::api::system::GetDatabaseStatus::PATH).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "members are refused: {}", refused.body);
    assert!(refused.body.contains("Forbidden"), "members are refused: {}", refused.body);
    let reply = app.get_as(&operator, app::api::system::GetDatabaseStatus::PATH).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let json: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
    assert_eq!(json["backend"], app.backend_name());
    assert!(json["tables"].as_array().is_some_and(|t| t.iter().any(|t| t["table"] == "users")));
    assert_eq!(json["tables_chart"]["table"]["columns"][0], "Rows", "the chart comes drawn, in English");

    // In the operator's language, however the function is reached (the locale is read before
    // the function's first await, after which its request context is gone).
    {
        use domain::entities::user;
        use domain::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        user::Entity::update_many()
            .col_expr(user::Column::Locale, Expr::value("id"))
            .filter(user::Column::Email.eq("operator@example.id"))
            .exec(&app.services.db)
            .await
            .expect("locale");
    }
    let reply = app.get_as(&operator, app::api::system::GetDatabaseStatus::PATH).await;
    let json: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
    assert_eq!(json["tables_chart"]["table"]["columns"][0], "Baris", "{}", json["tables_chart"]);
    let option: serde_json::Value =
        serde_json::from_str(json["tables_chart"]["option"].as_str().expect("option text")).expect("option");
    assert_eq!(option["series"][0]["name"], "Baris");
    let page = app.get_as(&operator, "/settings").await;
    assert!(page.body.contains(r#"<th scope="col">Baris<"#), "the page's chart table: {}", page.body);
}

on_both_databases!(
    settings_renders_the_database_status_with_its_table,
    the_status_server_function_answers_get,
);
