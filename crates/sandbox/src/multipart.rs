//! `multipart/form-data` over a body already in memory (RFC 7578), enough for Etsy's photo
//! upload: named parts, an optional file name and content type.

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// Why a body is not multipart; the message is meant for the client.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct NotMultipart(pub String);

/// The parameters of a header value such as `form-data; name="image"; filename="a.jpg"`,
/// names lowercased.
pub(crate) fn header_params(value: &str) -> (String, Vec<(String, String)>) {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in value.chars() {
        if escaped {
            current.push(c);
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
            current.push(c);
        } else if c == ';' && !quoted {
            items.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    items.push(current);
    let mut items = items.into_iter();
    let first = items.next().unwrap_or_default().trim().to_ascii_lowercase();
    let params = items
        .filter_map(|item| {
            let (k, v) = item.split_once('=')?;
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            Some((k.trim().to_ascii_lowercase(), v.to_string()))
        })
        .collect();
    (first, params)
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (from..=haystack.len() - needle.len()).find(|&i| &haystack[i..i + needle.len()] == needle)
}

pub(crate) fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Part>, NotMultipart> {
    let (kind, params) = header_params(content_type);
    if kind != "multipart/form-data" {
        return Err(NotMultipart(format!(
            "Expected a multipart/form-data body, got {content_type:?}"
        )));
    }
    let boundary = params
        .iter()
        .find(|(k, _)| k == "boundary")
        .map(|(_, v)| v.as_str())
        .filter(|b| !b.is_empty() && b.len() <= 200)
        .ok_or_else(|| NotMultipart("The multipart body has no boundary".into()))?;
    let delimiter = format!("--{boundary}").into_bytes();
    let next_delimiter = format!("\r\n--{boundary}").into_bytes();
    let truncated = || NotMultipart("The multipart body is truncated".into());

    let mut pos = find(body, &delimiter, 0).ok_or_else(truncated)? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body[pos..].starts_with(b"--") {
            return Ok(parts);
        }
        // Transport padding, then the line break after the delimiter.
        while body.get(pos).is_some_and(|b| *b == b' ' || *b == b'\t') {
            pos += 1;
        }
        if !body[pos..].starts_with(b"\r\n") {
            return Err(truncated());
        }
        pos += 2;
        let head_end = find(body, b"\r\n\r\n", pos).ok_or_else(truncated)?;
        let head = String::from_utf8_lossy(&body[pos..head_end]);
        let data_start = head_end + 4;
        let data_end = find(body, &next_delimiter, data_start).ok_or_else(truncated)?;

        let mut name = None;
        let mut filename = None;
        let mut content_type = None;
        for line in head.split("\r\n") {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            match key.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    let (_, params) = header_params(value);
                    for (k, v) in params {
                        match k.as_str() {
                            "name" => name = Some(v),
                            "filename" => filename = Some(v),
                            _ => {}
                        }
                    }
                }
                "content-type" => content_type = Some(value.trim().to_string()),
                _ => {}
            }
        }
        let name = name.ok_or_else(|| NotMultipart("A multipart part has no name".into()))?;
        parts.push(Part {
            name,
            filename,
            content_type,
            data: body[data_start..data_end].to_vec(),
        });
        pos = data_end + next_delimiter.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_files() {
        let body = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"rank\"\r\n\r\n2\r\n--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a;b.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\r\n--\r\n--XyZ--\r\n";
        let parts = parse("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "rank");
        assert_eq!(parts[0].data, b"2");
        assert_eq!(parts[1].filename.as_deref(), Some("a;b.jpg"));
        assert_eq!(parts[1].content_type.as_deref(), Some("image/jpeg"));
        assert_eq!(parts[1].data, b"\xff\xd8\xff\r\n--");
    }

    #[test]
    fn refuses_what_is_not_multipart() {
        assert!(parse("application/json", b"{}").is_err());
        assert!(parse("multipart/form-data", b"").is_err());
        assert!(parse("multipart/form-data; boundary=a", b"--a\r\nno end").is_err());
    }
}
