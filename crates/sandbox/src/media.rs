//! Photos: telling an image from anything else by its first bytes, WordPress's
//! `wp/v2/media` (upload with a raw body, read, delete), and serving the stored files
//! back at the URLs the two services hand out.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::App;
use crate::auth::{self, WpAction};
use crate::form::{Fields, Params, parse_bool};
use crate::store::{self, Media};
use crate::time::wp_date;
use crate::woo::WooError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ImageInfo {
    pub mime: &'static str,
    pub ext: &'static str,
    pub width: u32,
    pub height: u32,
}

/// A JPEG or a PNG, known by its signature and its size read from the header; `None`
/// for anything else (and for a header too damaged to give a size).
pub(crate) fn sniff(bytes: &[u8]) -> Option<ImageInfo> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    let be16 = |i: usize| -> Option<u32> {
        Some(u32::from(u16::from_be_bytes([
            *bytes.get(i)?,
            *bytes.get(i + 1)?,
        ])))
    };
    if bytes.starts_with(PNG) {
        if bytes.get(12..16)? != b"IHDR" {
            return None;
        }
        let width = u32::from_be_bytes(bytes.get(16..20)?.try_into().ok()?);
        let height = u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?);
        return (width > 0 && height > 0).then_some(ImageInfo {
            mime: "image/png",
            ext: "png",
            width,
            height,
        });
    }
    if !bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return None;
    }
    let mut i = 2;
    loop {
        if *bytes.get(i)? != 0xFF {
            return None;
        }
        while *bytes.get(i + 1)? == 0xFF {
            i += 1;
        }
        let marker = *bytes.get(i + 1)?;
        if marker == 0x01 || (0xD0..=0xD9).contains(&marker) {
            i += 2;
            continue;
        }
        let length = be16(i + 2)? as usize;
        let is_frame = (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker);
        if is_frame {
            let height = be16(i + 5)?;
            let width = be16(i + 7)?;
            return (width > 0 && height > 0).then_some(ImageInfo {
                mime: "image/jpeg",
                ext: "jpg",
                width,
                height,
            });
        }
        if length < 2 {
            return None;
        }
        i += 2 + length;
    }
}

/// A small real PNG of one colour, picked by `n`: what the seller's "add a photo" on a
/// marketplace's website adds when a test does not bring its own picture. A different `n`
/// gives a different file (and hash).
pub(crate) fn placeholder_png(n: u64) -> Vec<u8> {
    const SIDE: u32 = 16;
    let colour = [
        (n.wrapping_mul(97) % 256) as u8,
        (n.wrapping_mul(57).wrapping_add(80) % 256) as u8,
        (n.wrapping_mul(31).wrapping_add(160) % 256) as u8,
    ];
    // Each row: the filter byte (0, none), then the pixels.
    let row: Vec<u8> = std::iter::once(0)
        .chain(colour.iter().copied().cycle().take(3 * SIDE as usize))
        .collect();
    let mut raw = row.repeat(SIDE as usize);
    // The first pixels spell `n`, so no two placeholders are the same file.
    raw[1..9].copy_from_slice(&n.to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&SIDE.to_be_bytes());
    ihdr.extend_from_slice(&SIDE.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png_chunk(&mut png, b"IHDR", &ihdr);
    png_chunk(&mut png, b"IDAT", &zlib_stored(&raw));
    png_chunk(&mut png, b"IEND", &[]);
    png
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of stored (uncompressed) deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(0xFFFF).collect();
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = u16::try_from(block.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in data {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn file_response(mime: &str, bytes: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    if let Ok(mime) = HeaderValue::from_str(mime) {
        headers.insert(header::CONTENT_TYPE, mime);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Not Found").into_response()
}

/// The served files: no auth and no faults, like a CDN.
pub(crate) fn file_routes() -> Router<App> {
    Router::new()
        .route("/etsystatic/{listing_image_id}/{name}", get(etsy_file))
        .route("/wp-content/uploads/{id}/{name}", get(wp_file))
}

async fn etsy_file(State(app): State<App>, params: Params) -> Response {
    let Ok(id) = params.get("listing_image_id").parse::<i64>() else {
        return not_found();
    };
    match store::image_bytes(app.store().conn(), id) {
        Ok(Some((mime, bytes))) => file_response(&mime, bytes),
        Ok(None) => not_found(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "database error").into_response(),
    }
}

async fn wp_file(State(app): State<App>, params: Params) -> Response {
    let Ok(id) = params.get("id").parse::<i64>() else {
        return not_found();
    };
    match store::media_bytes(app.store().conn(), id) {
        Ok(Some((filename, mime, bytes))) if filename == params.get("name") => {
            file_response(&mime, bytes)
        }
        Ok(_) => not_found(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "database error").into_response(),
    }
}

/// Where a photo of a listing is served, as Etsy's CDN names its sizes.
pub(crate) fn etsy_image_url(base: &str, image_id: i64, size: &str, ext: &str) -> String {
    format!("{base}/etsystatic/{image_id}/il_{size}.{ext}")
}

pub(crate) fn media_url(base: &str, media: &Media) -> String {
    format!("{base}/wp-content/uploads/{}/{}", media.id, media.filename)
}

// ---------------------------------------------------------------------------------------
// wp/v2/media

pub(crate) fn api_routes() -> Router<App> {
    Router::new()
        .route("/wp-json/wp/v2/media", post(upload))
        .route("/wp-json/wp/v2/media/{id}", get(read).delete(delete))
}

/// WordPress's `sanitize_file_name`, ASCII only: spaces become dashes, anything else
/// outside letters, digits, `.`, `-` and `_` goes.
fn sanitize_file_name(name: &str) -> String {
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
            out.push(c);
        } else if c.is_whitespace() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches(['.', '-', '_']).to_string()
}

fn disposition_filename(value: &str) -> Option<String> {
    let (kind, params) = crate::multipart::header_params(value);
    if kind != "attachment" && kind != "inline" && kind != "form-data" {
        return None;
    }
    let mut plain = None;
    for (k, v) in params {
        match k.as_str() {
            "filename*" => {
                // RFC 5987: charset'lang'percent-encoded
                let encoded = v.splitn(3, '\'').nth(2)?;
                let decoded: String = serde_urlencoded::from_str::<Vec<(String, String)>>(
                    &format!("f={}", encoded.replace('+', "%2B")),
                )
                .ok()?
                .pop()?
                .1;
                return Some(decoded);
            }
            "filename" => plain = Some(v),
            _ => {}
        }
    }
    plain.filter(|f| !f.is_empty())
}

pub(crate) fn media_json(base: &str, m: &Media) -> Value {
    let url = media_url(base, m);
    let slug = m.title.to_lowercase();
    json!({
        "id": m.id,
        "date": wp_date(m.created),
        "date_gmt": wp_date(m.created),
        "guid": {"rendered": url, "raw": url},
        "modified": wp_date(m.created),
        "modified_gmt": wp_date(m.created),
        "slug": slug,
        "status": "inherit",
        "type": "attachment",
        "link": format!("{base}/?attachment_id={}", m.id),
        "title": {"raw": m.title, "rendered": crate::page::escape(&m.title)},
        "author": 1,
        "comment_status": "open",
        "ping_status": "closed",
        "template": "",
        "meta": [],
        "description": {"raw": "", "rendered": ""},
        "caption": {"raw": "", "rendered": ""},
        "alt_text": "",
        "media_type": "image",
        "mime_type": m.mime,
        "media_details": {
            "width": m.width,
            "height": m.height,
            "file": format!("{}/{}", m.id, m.filename),
            "filesize": m.size,
            "sizes": {},
            "image_meta": {},
        },
        "post": null,
        "source_url": url,
    })
}

async fn upload(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    match try_upload(&app, &headers, &body) {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

fn try_upload(app: &App, headers: &HeaderMap, body: &[u8]) -> Result<Response, WooError> {
    auth::wp_auth(app, headers, WpAction::Upload)?;
    if body.is_empty() {
        return Err(WooError::bad_request(
            "rest_upload_no_data",
            "No data supplied.",
        ));
    }
    let Some(_content_type) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty())
    else {
        return Err(WooError::bad_request(
            "rest_upload_no_content_type",
            "No Content-Type supplied.",
        ));
    };
    let Some(disposition) = headers
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(WooError::bad_request(
            "rest_upload_no_content_disposition",
            "No Content-Disposition supplied.",
        ));
    };
    let Some(filename) = disposition_filename(disposition) else {
        return Err(WooError::bad_request(
            "rest_upload_invalid_disposition",
            "Invalid Content-Disposition supplied. Content-Disposition needs to be formatted as `attachment; filename=\"image.png\"` or similar.",
        ));
    };
    let now = app.now_secs();
    let mut store = app.store();
    let tx = store.transaction()?;
    let media = store_media(&tx, body, &filename, now)?;
    tx.commit()?;
    drop(store);
    let id = media.id;
    let base = app.base_url(headers);
    let mut response = (StatusCode::CREATED, axum::Json(media_json(&base, &media))).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("{base}/wp-json/wp/v2/media/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Adds a file to the media library under (a cleaned) `filename`, as WordPress's
/// sideload does: it trusts the file's bytes, not the Content-Type, so anything that is
/// not an image of an allowed type fails, with a 500.
pub(crate) fn store_media(
    tx: &rusqlite::Connection,
    body: &[u8],
    filename: &str,
    now: i64,
) -> Result<Media, WooError> {
    let not_allowed = || {
        WooError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "rest_upload_sideload_error",
            "Sorry, you are not allowed to upload this file type.",
        )
    };
    let info = sniff(body).ok_or_else(not_allowed)?;
    let clean = sanitize_file_name(filename);
    let (stem, ext) = match clean.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem.to_string(), ext.to_ascii_lowercase()),
        _ => return Err(not_allowed()),
    };
    if !["jpg", "jpeg", "jpe", "png"].contains(&ext.as_str()) {
        return Err(not_allowed());
    }
    // The extension is corrected to the real type, as `wp_check_filetype_and_ext` does.
    let ext = match (info.ext, ext.as_str()) {
        ("jpg", "jpeg" | "jpe" | "jpg") => ext,
        (real, _) => real.to_string(),
    };
    let filename = format!("{stem}.{ext}");
    let media = Media {
        id: store::next_id(tx, "wp_media")?,
        filename,
        title: stem,
        mime: info.mime.to_string(),
        width: i64::from(info.width),
        height: i64::from(info.height),
        sha256: sha256_hex(body),
        size: body.len() as i64,
        created: now,
    };
    store::insert_media(tx, &media, body)?;
    Ok(media)
}

fn invalid_media_id() -> WooError {
    WooError::new(
        StatusCode::NOT_FOUND,
        "rest_post_invalid_id",
        "Invalid post ID.",
    )
}

async fn read(State(app): State<App>, headers: HeaderMap, params: Params) -> Response {
    let result = (|| -> Result<Response, WooError> {
        let id: i64 = params.get("id").parse().map_err(|_| invalid_media_id())?;
        let media = store::media(app.store().conn(), id)?.ok_or_else(invalid_media_id)?;
        let base = app.base_url(&headers);
        Ok(axum::Json(media_json(&base, &media)).into_response())
    })();
    result.unwrap_or_else(IntoResponse::into_response)
}

async fn delete(
    State(app): State<App>,
    headers: HeaderMap,
    params: Params,
    RawQuery(query): RawQuery,
) -> Response {
    let result = (|| -> Result<Response, WooError> {
        auth::wp_auth(&app, &headers, WpAction::Delete)?;
        let fields = Fields::from_query(query.as_deref());
        let id: i64 = params.get("id").parse().map_err(|_| invalid_media_id())?;
        let mut store = app.store();
        let tx = store.transaction()?;
        let media = store::media(&tx, id)?.ok_or_else(invalid_media_id)?;
        if !fields.get("force").and_then(parse_bool).unwrap_or(false) {
            return Err(WooError::new(
                StatusCode::NOT_IMPLEMENTED,
                "rest_trash_not_supported",
                "Attachments do not support trashing. Set 'force' to true to delete.",
            ));
        }
        store::delete_media(&tx, id)?;
        tx.commit()?;
        let base = app.base_url(&headers);
        Ok(
            axum::Json(json!({"deleted": true, "previous": media_json(&base, &media)}))
                .into_response(),
        )
    })();
    result.unwrap_or_else(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_images_by_their_bytes() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&640u32.to_be_bytes());
        png.extend_from_slice(&480u32.to_be_bytes());
        let info = sniff(&png).unwrap();
        assert_eq!(
            (info.mime, info.width, info.height),
            ("image/png", 640, 480)
        );

        // SOI, APP0 of length 4, SOF0 with 8 bits, height 300, width 200.
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01,
            0x2C, 0x00, 0xC8, 0x03,
        ];
        let info = sniff(&jpeg).unwrap();
        assert_eq!(
            (info.mime, info.width, info.height),
            ("image/jpeg", 200, 300)
        );

        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF]), None);
        assert_eq!(sniff(&png[..20]), None);
    }

    #[test]
    fn placeholders_are_real_pngs_that_differ() {
        let a = placeholder_png(1);
        let info = sniff(&a).unwrap();
        assert_eq!((info.mime, info.width, info.height), ("image/png", 16, 16));
        assert_ne!(sha256_hex(&a), sha256_hex(&placeholder_png(2)));
        // The CRC of IEND is fixed by the format.
        assert!(a.ends_with(&[0xAE, 0x42, 0x60, 0x82]));
    }

    #[test]
    fn file_names() {
        assert_eq!(
            sanitize_file_name("../My Tagine (2).JPG"),
            "My-Tagine-2.JPG"
        );
        assert_eq!(
            disposition_filename("attachment; filename=\"tajine.jpg\""),
            Some("tajine.jpg".into())
        );
        assert_eq!(
            disposition_filename("attachment; filename=tajine.jpg"),
            Some("tajine.jpg".into())
        );
        assert_eq!(
            disposition_filename("attachment; filename*=UTF-8''t%C3%A9.png"),
            Some("té.png".into())
        );
        assert_eq!(disposition_filename("attachment"), None);
    }
}
