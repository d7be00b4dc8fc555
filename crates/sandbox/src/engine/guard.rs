//! Where the engine may send (decision 100): public addresses over https, and loopback over
//! http or https so a receiver on the developer's machine works (a sandbox-only relaxation:
//! Meshes requires https). Private, link-local and other internal ranges are refused, checked
//! on the addresses a name resolves to at connect time, so a name cannot rebind to one.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, SocketAddr};
use url::{Host, Url};

/// Whether the engine may connect to `ip`: loopback, or a public unicast address. IPv6 is
/// allowed only from global unicast (2000::/3), minus the ranges that carry an IPv4 address
/// inside (6to4, Teredo) and documentation; NAT64 and IPv4-compatible forms fall outside it.
pub fn allowed_ip(ip: IpAddr) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    };
    if ip.is_loopback() {
        return true;
    }
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let global = (s[0] & 0xe000) == 0x2000;
            let tunnel = s[0] == 0x2002 || (s[0] == 0x2001 && s[1] == 0);
            let documentation = s[0] == 0x2001 && s[1] == 0x0db8;
            global && !tunnel && !documentation
        }
    }
}

fn loopback_host(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// Why a URL cannot be delivered to, before any lookup. `own_ports`: this machine's ports the
/// sandbox itself serves its API and host app on (a delivery into its own API could loop).
pub fn check_url(url: &Url, own_ports: &[u16]) -> Result<(), String> {
    let host = url.host().ok_or("The URL has no host")?;
    let port = url.port_or_known_default().unwrap_or(0);
    if loopback_host(&host) && own_ports.contains(&port) {
        return Err("The URL is the sandbox's own API or host app".into());
    }
    match (url.scheme(), &host) {
        ("https", _) => {}
        ("http", h) if loopback_host(h) => {}
        ("http", _) => {
            return Err(
                "Only https:// URLs are delivered to (http:// only to this machine)".into(),
            );
        }
        (other, _) => return Err(format!("{other}: URLs cannot be delivered to")),
    }
    let literal = match host {
        Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        Host::Domain(_) => None,
    };
    match literal {
        Some(ip) if !allowed_ip(ip) => Err("The URL's address is private or internal; the sandbox delivers only to public addresses or this machine".into()),
        _ => Ok(()),
    }
}

/// Resolves like the system does, minus addresses [`allowed_ip`] refuses.
pub struct GuardedResolver;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let kept: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| allowed_ip(a.ip()))
                .collect();
            if kept.is_empty() {
                let why = if found.is_empty() {
                    "the name resolves to no address"
                } else {
                    "the name resolves only to private or internal addresses"
                };
                return Err(why.into());
            }
            Ok(Box::new(kept.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_ranges_are_refused_and_loopback_and_public_are_not() {
        for ok in [
            "127.0.0.1",
            "127.9.9.9",
            "::1",
            "93.184.216.34",
            "2606:4700::1",
        ] {
            assert!(allowed_ip(ok.parse().unwrap()), "{ok}");
        }
        for no in [
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "64:ff9b:1::a00:1",
            "2002:a00:1::",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "::a9fe:a9fe",
            "::ffff:0:a00:1",
            "2001:db8::1",
            "192.0.0.1",
            "198.18.0.1",
        ] {
            assert!(!allowed_ip(no.parse().unwrap()), "{no}");
        }
    }

    #[test]
    fn http_only_to_this_machine() {
        let check = |u: &str| check_url(&Url::parse(u).unwrap(), &[8787]);
        for ok in [
            "http://127.0.0.1:8789/inbox/a",
            "http://LOCALHOST:1/x",
            "http://[::1]:9/x",
            "https://hooks.example.com/x",
            "https://127.0.0.1/x",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        for no in [
            "http://hooks.example.com/x",
            "http://localhost.evil.example/x",
            "https://169.254.169.254/latest",
            "https://[::ffff:a9fe:a9fe]/x",
            "https://10.1.2.3/x",
            "ftp://127.0.0.1/x",
            "http://127.0.0.1:8787/api/v1/events",
            "http://localhost:8787/",
        ] {
            assert!(check(no).is_err(), "{no}");
        }
    }
}
