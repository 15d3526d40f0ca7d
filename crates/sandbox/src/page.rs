//! The buyer's page at `/`: the shop as a buyer sees it, live Etsy listings and published
//! WooCommerce products with their first photo, price in dirhams, stock, and a "Simulate a
//! sale" button (a plain form, no script). Everything served from the sandbox; nothing
//! remote; a strict CSP.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::App;
use crate::form::{Fields, parse_cents};
use crate::sales::{Market, NoSale, Purchase, sell};
use crate::store;

pub(crate) fn routes() -> Router<App> {
    Router::new()
        .route("/", get(home))
        .route("/page.css", get(css))
        .route("/buy", post(buy))
}

const CSP: &str = "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Text made safe for HTML, attributes included.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Centimes as Moroccan shops write dirhams: `1 200,00 DH` (a narrow no-break space
/// between thousands).
pub(crate) fn format_mad(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    let whole = (c / 100).to_string();
    let mut grouped = String::new();
    for (i, d) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('\u{202F}');
        }
        grouped.push(d);
    }
    format!("{sign}{grouped},{:02} DH", c % 100)
}

struct Item {
    market: Market,
    id: i64,
    title: String,
    price_cents: Option<i64>,
    stock: Option<i64>,
    sold_out: bool,
    photo: Option<String>,
}

fn items(app: &App) -> rusqlite::Result<(Vec<Item>, Vec<Item>)> {
    let store = app.store();
    let c = store.conn();
    let mut etsy = Vec::new();
    let mut listings = store::listings(c)?;
    listings.sort_by_key(|l| std::cmp::Reverse((l.created, l.listing_id)));
    for l in listings
        .iter()
        .filter(|l| l.state == "active" || l.state == "sold_out")
    {
        let photo = store::images(c, l.listing_id)?.first().map(|i| {
            let ext = if i.mime == "image/png" { "png" } else { "jpg" };
            crate::media::etsy_image_url("", i.listing_image_id, "570xN", ext)
        });
        etsy.push(Item {
            market: Market::Etsy,
            id: l.listing_id,
            title: l.title.clone(),
            price_cents: Some(l.price_cents()),
            stock: Some(l.quantity()),
            sold_out: l.state == "sold_out" || l.quantity() == 0,
            photo,
        });
    }
    let mut woo = Vec::new();
    let mut products = store::products(c)?;
    products.sort_by_key(|p| std::cmp::Reverse((p.created, p.id)));
    for p in products.iter().filter(|p| p.status == "publish") {
        let mut photo = None;
        for id in &p.images {
            if let Some(m) = store::media(c, *id)? {
                photo = Some(crate::media::media_url("", &m));
                break;
            }
        }
        woo.push(Item {
            market: Market::Woo,
            id: p.id,
            title: p.name.clone(),
            price_cents: parse_cents(&p.regular_price),
            stock: if p.manage_stock {
                p.stock_quantity
            } else {
                None
            },
            sold_out: p.stock_status == "outofstock",
            photo,
        });
    }
    Ok((etsy, woo))
}

fn item_html(item: &Item) -> String {
    let market = match item.market {
        Market::Etsy => "etsy",
        Market::Woo => "woocommerce",
    };
    let title = escape(&item.title);
    let photo = match &item.photo {
        Some(src) => format!(
            "<img src=\"{}\" alt=\"{title}\" loading=\"lazy\">",
            escape(src)
        ),
        None => "<div class=\"nophoto\">No photo</div>".into(),
    };
    let price = item
        .price_cents
        .map(format_mad)
        .unwrap_or_else(|| "No price".into());
    let stock = match (item.sold_out, item.stock) {
        (true, _) => "<p class=\"stock soldout\">Sold out</p>".to_string(),
        (false, Some(n)) => format!("<p class=\"stock\">{n} in stock</p>"),
        (false, None) => "<p class=\"stock\">In stock</p>".to_string(),
    };
    format!(
        "<li class=\"item\" id=\"{market}-{id}\">{photo}<h3 dir=\"auto\">{title}</h3><p class=\"price\"><bdi>{price}</bdi></p>{stock}\
<form method=\"post\" action=\"/buy\"><input type=\"hidden\" name=\"market\" value=\"{market}\"><input type=\"hidden\" name=\"listing_id\" value=\"{id}\"><input type=\"hidden\" name=\"quantity\" value=\"1\"><button type=\"submit\">Simulate a sale</button></form></li>",
        id = item.id,
    )
}

fn section(name: &str, items: &[Item], empty: &str) -> String {
    let list = if items.is_empty() {
        format!("<p class=\"empty\">{}</p>", escape(empty))
    } else {
        let inner: String = items.iter().map(item_html).collect();
        format!("<ul class=\"grid\">{inner}</ul>")
    };
    format!("<section><h2>{}</h2>{list}</section>", escape(name))
}

fn notice(q: &Fields) -> String {
    let market = match q.get("market") {
        Some("etsy") => "Etsy",
        Some("woocommerce") => "WooCommerce",
        _ => "the shop",
    };
    let id: Option<i64> = q.get("id").and_then(|v| v.parse().ok());
    let id = id.map(|i| format!(" {i}")).unwrap_or_default();
    let (class, text) = match q.get("notice") {
        Some("sold") => ("ok", format!("Sale recorded on {market}: listing{id}.")),
        Some("sold_out") => (
            "refused",
            format!("Refused: listing{id} on {market} is sold out."),
        ),
        Some("not_enough") => (
            "refused",
            format!("Refused: not enough stock for listing{id} on {market}."),
        ),
        Some("not_live") => (
            "refused",
            format!("Refused: listing{id} on {market} is not live."),
        ),
        Some("not_found") => (
            "refused",
            format!("Refused: listing{id} no longer exists on {market}."),
        ),
        Some(_) => (
            "refused",
            "Refused: the sale could not be made.".to_string(),
        ),
        None => return String::new(),
    };
    format!(
        "<p class=\"notice {class}\" role=\"status\">{}</p>",
        escape(&text)
    )
}

fn html_response(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn home(State(app): State<App>, RawQuery(query): RawQuery) -> Response {
    let (etsy, woo) = match items(&app) {
        Ok(items) => items,
        Err(e) => {
            return html_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!(
                    "<!doctype html><meta charset=\"utf-8\"><p>Sandbox database error: {}</p>",
                    escape(&e.to_string())
                ),
            );
        }
    };
    let q = Fields::from_query(query.as_deref());
    let shop = escape(&app.config.etsy.shop_name);
    let body = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{shop}: buyer's view</title>\n<link rel=\"stylesheet\" href=\"/page.css\">\n</head>\n<body>\n\
<header><h1 dir=\"auto\">{shop}</h1><p>What a buyer sees in the sandbox: the Etsy shop and the WooCommerce store. \
“Simulate a sale” buys one, as a buyer would.</p></header>\n{notice}\n<main>\n{etsy}\n{woo}\n</main>\n</body>\n</html>\n",
        notice = notice(&q),
        etsy = section("Etsy", &etsy, "No active Etsy listing yet."),
        woo = section("WooCommerce", &woo, "No published WooCommerce product yet."),
    );
    html_response(StatusCode::OK, body)
}

const STYLE: &str = r#"*{box-sizing:border-box}
body{margin:0;font-family:"Noto Sans Arabic","Noto Sans Tifinagh","Noto Sans",sans-serif;color:#222;background:#faf7f2;line-height:1.4}
header,main,.notice{max-width:60rem;margin:0 auto;padding:0 .75rem}
header h1{margin:.75rem 0 .25rem;font-size:1.4rem}
header p{margin:0 0 .75rem;color:#555;font-size:.9rem}
h2{font-size:1.1rem;margin:1rem 0 .5rem}
.grid{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.75rem}
.item{background:#fff;border:1px solid #e5ded3;border-radius:.5rem;padding:.5rem;display:flex;flex-direction:column;min-width:0}
.item img,.nophoto{width:100%;aspect-ratio:1;object-fit:cover;border-radius:.25rem;background:#eee}
.nophoto{display:flex;align-items:center;justify-content:center;color:#888;font-size:.85rem}
.item h3{font-size:.95rem;margin:.4rem 0 .2rem;overflow-wrap:anywhere;unicode-bidi:plaintext}
.price{margin:0;font-weight:bold;white-space:nowrap}
.stock{margin:.1rem 0 .4rem;font-size:.85rem;color:#2d6a3e}
.soldout{color:#a12a2a;font-weight:bold}
.item form{margin-top:auto}
button{width:100%;padding:.55rem;border:0;border-radius:.35rem;background:#b3541e;color:#fff;font:inherit;font-size:.9rem;cursor:pointer}
.notice{margin:.5rem auto;padding:.5rem .75rem;border-radius:.35rem}
.ok{background:#e3f3e6}
.refused{background:#f8e1e1}
.empty{color:#777}
"#;

async fn css() -> Response {
    let mut response = STYLE.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    response
}

/// The form's "Simulate a sale": sells one, then back to the page with a notice.
async fn buy(State(app): State<App>, body: Bytes) -> Response {
    let form = Fields::parse_bytes(&body);
    let market_name = form.get("market").unwrap_or("");
    let id: Option<i64> = form.get("listing_id").and_then(|v| v.parse().ok());
    let quantity: i64 = form
        .get("quantity")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let (Some(market), Some(id)) = (Market::parse(market_name), id) else {
        return Redirect::to("/?notice=bad").into_response();
    };
    let market_name = match market {
        Market::Etsy => "etsy",
        Market::Woo => "woocommerce",
    };
    let code = match sell(&app, &Purchase::one(market, id, quantity)) {
        Ok(_) => "sold",
        Err(refusal) => match refusal.why {
            NoSale::BadQuantity => "bad",
            why => why.code(),
        },
    };
    Redirect::to(&format!(
        "/?notice={code}&market={market_name}&id={id}#{market_name}-{id}"
    ))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirhams() {
        assert_eq!(format_mad(12000), "120,00 DH");
        assert_eq!(format_mad(5), "0,05 DH");
        assert_eq!(format_mad(12_345_678), "123\u{202F}456,78 DH");
        assert_eq!(format_mad(120_000), "1\u{202F}200,00 DH");
    }

    #[test]
    fn escapes() {
        assert_eq!(
            escape("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }
}
