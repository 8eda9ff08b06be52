//! Who the client is and at which address the server is reached, without
//! trusting what any client says about either.
//!
//! Links the server writes into its answers (the tile URLs of TileJSON) use the
//! configured public URL (`--public-url`). Without one, they are built from the
//! request's `Host` header, checked to be a host name or address with an
//! optional port, over plain `http`. `X-Forwarded-Proto`, `X-Forwarded-Host`
//! and `X-Forwarded-For` are believed only when the connection comes from a
//! configured reverse proxy (`--trusted-proxy`), and only when they are well
//! formed.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::http::{HeaderMap, Uri, header, uri::Authority};
use ipnet::IpNet;

use crate::error::AppError;

/// The public URL and the trusted reverse proxies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicAddress {
    /// `https://gis.example.gov.cn/landtrace` (no trailing slash).
    public_url: Option<String>,
    /// Addresses of reverse proxies whose forwarded headers are believed.
    trusted_proxies: Vec<IpNet>,
}

impl PublicAddress {
    /// Checks `public_url` (an absolute `http`/`https` URL, optionally with a
    /// path prefix, no query) and the proxies (addresses or CIDR networks).
    pub fn new(public_url: Option<&str>, trusted_proxies: &[String]) -> Result<PublicAddress, String> {
        let public_url = public_url.map(str::trim).filter(|s| !s.is_empty()).map(check_public_url).transpose()?;
        let trusted_proxies = trusted_proxies
            .iter()
            .map(|p| {
                let p = p.trim();
                IpNet::from_str(p).or_else(|_| IpAddr::from_str(p).map(IpNet::from)).map_err(|_| {
                    format!("trusted proxy {p:?} is not an IP address or network (e.g. 127.0.0.1 or 10.0.0.0/8)")
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(PublicAddress { public_url, trusted_proxies })
    }

    fn trusts(&self, peer: Option<SocketAddr>) -> bool {
        peer.is_some_and(|p| self.trusted_proxies.iter().any(|net| net.contains(&p.ip())))
    }

    /// The client's address: the peer, or — when the peer is a trusted proxy —
    /// the nearest address in `X-Forwarded-For` that is not a trusted proxy.
    pub fn client_ip(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer_ip = peer?.ip();
        if !self.trusts(peer) {
            return Some(peer_ip);
        }
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| IpAddr::from_str(s.trim()).ok())
            .collect();
        Some(
            forwarded
                .into_iter()
                .rev()
                .find(|ip| !self.trusted_proxies.iter().any(|n| n.contains(ip)))
                .unwrap_or(peer_ip),
        )
    }

    /// The base URL (scheme, host, optional path prefix; no trailing slash) for
    /// links to this server in an answer to a request from `peer`.
    pub fn base_url(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> Result<String, AppError> {
        if let Some(url) = &self.public_url {
            return Ok(url.clone());
        }
        let trusted = self.trusts(peer);
        let scheme = match forwarded(headers, "x-forwarded-proto").filter(|_| trusted) {
            Some(p) if p.eq_ignore_ascii_case("https") => "https",
            Some(p) if p.eq_ignore_ascii_case("http") => "http",
            Some(p) => return Err(AppError::BadRequest(format!("X-Forwarded-Proto {p:?} is not http or https"))),
            None => "http",
        };
        let host = match forwarded(headers, "x-forwarded-host").filter(|_| trusted) {
            Some(h) => h,
            None => headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("").trim(),
        };
        if host.is_empty() {
            return Err(AppError::BadRequest(
                "the request has no Host header; the server cannot build links (set --public-url)".into(),
            ));
        }
        let host = check_host(host).map_err(AppError::BadRequest)?;
        Ok(format!("{scheme}://{host}"))
    }
}

/// The first value of a forwarded header (proxies may append more).
fn forwarded<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok()?.split(',').next().map(str::trim).filter(|s| !s.is_empty())
}

/// A host with an optional port: a DNS name, an IPv4 address or a bracketed
/// IPv6 address; nothing else (no user info, path, scheme or odd characters).
fn check_host(host: &str) -> Result<String, String> {
    // The value is not repeated: it is the client's, and may be markup.
    let bad = || "the Host header is not a host name or address with an optional port".to_owned();
    let authority = Authority::from_str(host).map_err(|_| bad())?;
    if authority.as_str().contains('@') {
        return Err(bad());
    }
    let name = authority.host();
    let ok = if let Some(v6) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        std::net::Ipv6Addr::from_str(v6).is_ok()
    } else {
        !name.is_empty()
            && name.len() <= 253
            && name.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            })
    };
    // After the host only a port may follow: `:` and 1 to 5 digits.
    let port_ok = match &authority.as_str()[name.len()..] {
        "" => true,
        rest => {
            rest.strip_prefix(':').is_some_and(|p| p.parse::<u16>().is_ok() && p.bytes().all(|b| b.is_ascii_digit()))
        }
    };
    if !ok || !port_ok {
        return Err(bad());
    }
    Ok(authority.as_str().to_ascii_lowercase())
}

fn check_public_url(url: &str) -> Result<String, String> {
    let bad = |why: &str| {
        format!("public URL {url:?}: {why} (e.g. https://gis.example.gov.cn or http://10.1.2.3:8080/landtrace)")
    };
    let uri = Uri::from_str(url).map_err(|_| bad("not a URL"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(bad("the scheme must be http or https")),
    }
    let authority = uri.authority().ok_or_else(|| bad("no host"))?;
    check_host(authority.as_str()).map_err(|_| bad("the host is not a host name or address"))?;
    if uri.query().is_some() || url.contains('#') {
        return Err(bad("it may not have a query or fragment"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    const CLIENT: &str = "203.0.113.9:51000";
    const PROXY: &str = "10.0.0.5:40000";

    #[test]
    fn links_come_from_the_public_url_or_a_checked_host_never_from_a_client_s_forwarded_headers() {
        let open = PublicAddress::new(None, &["10.0.0.0/8".into()]).unwrap();
        let client = Some(CLIENT.parse().unwrap());
        let proxy = Some(PROXY.parse().unwrap());
        let h = headers(&[("host", "gis.example.cn:8080"), ("x-forwarded-proto", "https")]);
        assert_eq!(open.base_url(client, &h).unwrap(), "http://gis.example.cn:8080", "not from a proxy");
        assert_eq!(open.base_url(proxy, &h).unwrap(), "https://gis.example.cn:8080");
        let evil = headers(&[("host", "x.cn"), ("x-forwarded-proto", "javascript")]);
        assert!(open.base_url(proxy, &evil).is_err());
        assert_eq!(open.base_url(client, &evil).unwrap(), "http://x.cn");
        for host in ["javascript:alert(1)", "a b", "user@host", "x.cn/path", "-x.cn", "[::1", "\"x\""] {
            let h = headers(&[("host", host)]);
            assert!(open.base_url(client, &h).is_err(), "{host}");
        }
        assert_eq!(open.base_url(client, &headers(&[("host", "[::1]:8080")])).unwrap(), "http://[::1]:8080");
        let fixed = PublicAddress::new(Some("https://gis.example.cn/landtrace/"), &[]).unwrap();
        assert_eq!(fixed.base_url(client, &evil).unwrap(), "https://gis.example.cn/landtrace");
        assert!(PublicAddress::new(Some("javascript:alert(1)"), &[]).is_err());
        assert!(PublicAddress::new(Some("ftp://x.cn"), &[]).is_err());
        assert!(PublicAddress::new(None, &["not-an-ip".into()]).is_err());
    }

    #[test]
    fn the_client_address_is_forwarded_only_by_trusted_proxies() {
        let a = PublicAddress::new(None, &["10.0.0.5".into()]).unwrap();
        let h = headers(&[("x-forwarded-for", "198.51.100.1, 203.0.113.7")]);
        assert_eq!(a.client_ip(Some(CLIENT.parse().unwrap()), &h), Some("203.0.113.9".parse().unwrap()));
        assert_eq!(a.client_ip(Some(PROXY.parse().unwrap()), &h), Some("203.0.113.7".parse().unwrap()));
        assert_eq!(a.client_ip(None, &h), None);
    }
}
