//! The OpenAPI 3 document of the merchant API, derived from the handlers and the types they
//! read and write (`utoipa`), so it cannot drift from the code. Served at `/v1/openapi.json`;
//! the copy in the repository (`openapi.json`) is checked against it by a test
//! (`WHARF_BLESS=1` rewrites it).

use super::{answer, reads, writes};
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Wharf merchant API",
        description = "Warehouses read their orders and send shipments, inventory, products and cancellations over HTTP, in CartRover's style. Every answer is HTTP 200 with {\"success_code\": true, \"response\": ...} or {\"success_code\": false, \"error_code\": \"Invalid\"|\"Failure\"|\"RateLimit\", \"message\": ...}. HTTP Basic with the warehouse's api_user and key. Rate limit: a bucket of 100 calls per API user, refilled at one call per 0.6 s (RateLimit with Retry-After). Write bodies have exactly the shape of the matching warehouse file.",
        version = "1"
    ),
    paths(
        reads::list_orders,
        reads::order_status,
        reads::inventory,
        reads::inventory_sku,
        reads::product,
        writes::received,
        writes::shipments,
        writes::inventory,
        writes::products,
        writes::cancels,
    ),
    components(schemas(answer::ErrorBody, answer::ErrorCode)),
    modifiers(&BasicAuth),
    tags(
        (name = "orders", description = "Orders and their status"),
        (name = "inventory", description = "Inventory levels"),
        (name = "products", description = "The warehouse's catalog"),
        (name = "writes", description = "Shipments, inventory, products and cancellations from the warehouse"),
    )
)]
struct Doc;

struct BasicAuth;

impl Modify for BasicAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "basic",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Basic).build()),
        );
    }
}

/// The document as JSON text (pretty, with a final newline: the repository's copy).
pub fn document() -> String {
    let text = Doc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    format!("{text}\n")
}

/// `GET /v1/openapi.json`.
pub(super) async fn serve() -> impl axum::response::IntoResponse {
    Json(Doc::openapi())
}

#[cfg(test)]
mod tests {
    /// The repository's `openapi.json` is the document the code serves (`WHARF_BLESS=1
    /// cargo test --lib openapi` rewrites it after a change).
    #[test]
    fn the_document_in_the_repository_is_the_served_one() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
        let served = super::document();
        if std::env::var_os("WHARF_BLESS").is_some() {
            std::fs::write(&path, &served).unwrap();
        }
        let kept = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            kept == served,
            "openapi.json differs from the served document: run WHARF_BLESS=1 cargo test --lib openapi"
        );
    }
}
