//! The only servers the load generator may hit: a loopback IP address and a port.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;

/// A server address on this machine's loopback interface (`127.0.0.0/8` or `::1`).
///
/// Host names are refused too (even `localhost`): a name can resolve elsewhere, an
/// IP literal cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopbackTarget(SocketAddr);

impl LoopbackTarget {
    /// The socket address.
    pub fn addr(self) -> SocketAddr {
        self.0
    }

    /// The `Host` header value: `127.0.0.1:8080`, `[::1]:8080`.
    pub fn host_header(self) -> String {
        self.0.to_string()
    }
}

impl FromStr for LoopbackTarget {
    type Err = String;

    fn from_str(s: &str) -> Result<LoopbackTarget, String> {
        let addr: SocketAddr = s.trim().parse().map_err(|_| {
            format!("{s:?} is not an IP address and port; give a loopback address such as 127.0.0.1:8080 or [::1]:8080")
        })?;
        if !addr.ip().is_loopback() {
            return Err(format!(
                "{addr} is not a loopback address: landtrace-load only runs against a server on this machine \
                 (127.0.0.0/8 or ::1)"
            ));
        }
        if addr.port() == 0 {
            return Err(format!("{addr}: port 0 is not a server's port"));
        }
        Ok(LoopbackTarget(addr))
    }
}

impl fmt::Display for LoopbackTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::LoopbackTarget;

    fn check(input: &str, ok: bool) {
        let parsed = input.parse::<LoopbackTarget>();
        assert_eq!(parsed.is_ok(), ok, "{input}: {parsed:?}");
    }

    #[test]
    fn only_loopback_ip_literals_with_a_port_are_accepted() {
        check("127.0.0.1:8080", true);
        check("127.1.2.3:8080", true);
        check("[::1]:8080", true);
        check("10.0.0.1:8080", false);
        check("0.0.0.0:8080", false);
        check("[::]:8080", false);
        check("192.168.1.10:80", false);
        check("localhost:8080", false);
        check("example.org:80", false);
        check("127.0.0.1", false);
        check("127.0.0.1:0", false);
        check("[::ffff:10.0.0.1]:80", false);
    }

    #[test]
    fn the_refusal_names_the_rule() {
        let e = "10.1.1.1:80".parse::<LoopbackTarget>().unwrap_err();
        assert!(e.contains("not a loopback address"), "{e}");
    }
}
