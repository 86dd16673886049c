//! Terraform's IP network functions: `cidrhost`, `cidrnetmask`, `cidrsubnet` and `cidrsubnets`,
//! for IPv4 and IPv6, in plain integer arithmetic on `u128` addresses.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::support::{describe, whole};
use super::{FuncCtx, FuncError, FuncSpec, Param, strict};
use crate::config::value::{Value, format_number};

pub(super) const FUNCTIONS: &[FuncSpec] = &[
    strict("cidrhost", &[Param::String, Param::Number], None, cidrhost),
    strict("cidrnetmask", &[Param::String], None, cidrnetmask),
    strict(
        "cidrsubnet",
        &[Param::String, Param::Number, Param::Number],
        None,
        cidrsubnet,
    ),
    strict(
        "cidrsubnets",
        &[Param::String],
        Some(Param::Number),
        cidrsubnets,
    ),
];

/// A network prefix: the (masked) address as an integer, its prefix length and the address width
/// (32 or 128 bits).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Prefix {
    addr: u128,
    len: u32,
    bits: u32,
}

impl Prefix {
    /// The number of addresses after the prefix, as a bit count.
    fn host_bits(self) -> u32 {
        self.bits - self.len
    }

    fn render_addr(self, addr: u128) -> String {
        if self.bits == 32 {
            Ipv4Addr::from(u32::try_from(addr).unwrap_or(u32::MAX)).to_string()
        } else {
            Ipv6Addr::from(addr).to_string()
        }
    }

    fn render(self) -> String {
        format!("{}/{}", self.render_addr(self.addr), self.len)
    }
}

/// `2^bits - 1`, for up to 128 bits.
fn ones(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

/// Dotted-quad IPv4, accepting leading zeros (as decimal) like Terraform does.
fn parse_ipv4(s: &str) -> Option<u32> {
    let mut parts = s.split('.');
    let mut addr = 0u32;
    for _ in 0..4 {
        let part = parts.next()?;
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let octet: u32 = part.parse().ok()?;
        if octet > 255 {
            return None;
        }
        addr = (addr << 8) | octet;
    }
    parts.next().is_none().then_some(addr)
}

/// Parses `address/length` as Go's `net.ParseCIDR` does, masking the address to the prefix.
fn parse_cidr(func: &str, arg: &Value) -> Result<Prefix, FuncError> {
    let s = arg.as_str().unwrap_or_default();
    let invalid = || {
        FuncError::arg(
            0,
            format!(
                "{func}(): invalid CIDR expression {}: expected an address and a prefix length, like \"10.0.0.0/16\"",
                describe(arg)
            ),
        )
    };
    let (addr, len) = s.split_once('/').ok_or_else(invalid)?;
    let (addr, bits) = if addr.contains(':') {
        (
            u128::from(addr.parse::<Ipv6Addr>().map_err(|_| invalid())?),
            128,
        )
    } else {
        (u128::from(parse_ipv4(addr).ok_or_else(invalid)?), 32)
    };
    if len.is_empty() || len.len() > 3 || !len.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let len: u32 = len.parse().map_err(|_| invalid())?;
    if len > bits {
        return Err(invalid());
    }
    let host_mask = ones(bits - len);
    Ok(Prefix {
        addr: addr & !host_mask,
        len,
        bits,
    })
}

fn number(args: &[Value], i: usize) -> f64 {
    args.get(i).and_then(Value::as_number).unwrap_or(f64::NAN)
}

/// `cidrhost(prefix, hostnum)`: a negative host number counts back from the end of the range.
fn cidrhost(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let prefix = parse_cidr("cidrhost", &args[0])?;
    let n = number(&args, 1);
    let too_big = || {
        FuncError::arg(
            1,
            format!(
                "cidrhost(): prefix of {} does not accommodate a host numbered {}",
                prefix.len,
                format_number(n)
            ),
        )
    };
    if n.fract() != 0.0 || !n.is_finite() {
        return Err(FuncError::arg(
            1,
            format!(
                "cidrhost(): the host number must be a whole number, not {}",
                describe(&args[1])
            ),
        ));
    }
    if n.abs() >= 3.4e38 {
        return Err(too_big());
    }
    let max = ones(prefix.host_bits());
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let magnitude = n.abs() as u128;
    let host = if n >= 0.0 {
        magnitude
    } else {
        // -1 is the last address, -2 the one before, ...
        max.checked_sub(magnitude - 1).ok_or_else(too_big)?
    };
    if host > max {
        return Err(too_big());
    }
    Ok(Value::String(prefix.render_addr(prefix.addr | host)))
}

/// `cidrnetmask(prefix)`: the IPv4 subnet mask in dotted form.
fn cidrnetmask(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let prefix = parse_cidr("cidrnetmask", &args[0])?;
    if prefix.bits != 32 {
        return Err(FuncError::arg(
            0,
            format!(
                "cidrnetmask(): IPv6 addresses cannot have a netmask: {}",
                describe(&args[0])
            ),
        ));
    }
    let mask = ones(32) & !ones(32 - prefix.len);
    Ok(Value::String(prefix.render_addr(mask)))
}

/// `cidrsubnet(prefix, newbits, netnum)`.
fn cidrsubnet(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let prefix = parse_cidr("cidrsubnet", &args[0])?;
    let newbits = whole(number(&args, 1))
        .and_then(|b| u32::try_from(b).ok())
        .ok_or_else(|| {
            FuncError::arg(
                1,
                format!(
                    "cidrsubnet(): newbits must be a whole number of bits, not {}",
                    describe(&args[1])
                ),
            )
        })?;
    if newbits > prefix.host_bits() {
        return Err(FuncError::arg(
            1,
            format!(
                "cidrsubnet(): insufficient address space to extend prefix of {} by {newbits}",
                prefix.len
            ),
        ));
    }
    let n = number(&args, 2);
    let netnum = (n.fract() == 0.0 && (0.0..3.4e38).contains(&n))
        .then(|| {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let v = n as u128;
            v
        })
        .filter(|&v| v <= ones(newbits))
        .ok_or_else(|| {
            FuncError::arg(
                2,
                format!(
                    "cidrsubnet(): prefix extension of {newbits} does not accommodate a subnet numbered {}",
                    describe(&args[2])
                ),
            )
        })?;
    let len = prefix.len + newbits;
    let shift = prefix.bits - len;
    let addr = if shift >= 128 {
        prefix.addr
    } else {
        prefix.addr | (netnum << shift)
    };
    Ok(Value::String(
        Prefix {
            addr,
            len,
            bits: prefix.bits,
        }
        .render(),
    ))
}

/// `cidrsubnets(prefix, newbits...)`: consecutive subnets, each aligned to its own size.
fn cidrsubnets(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let base = parse_cidr("cidrsubnets", &args[0])?;
    let protocol = if base.bits == 32 { "IPv4" } else { "IPv6" };
    // The next free address, as an offset from the start of the base prefix.
    let mut cursor: u128 = 0;
    let mut previous: Option<Prefix> = None;
    let mut out = Vec::with_capacity(args.len() - 1);
    for (i, arg) in args.iter().enumerate().skip(1) {
        let bits = whole(number(&args, i)).ok_or_else(|| {
            FuncError::arg(
                i,
                format!(
                    "cidrsubnets(): newbits must be a whole number, not {}",
                    describe(arg)
                ),
            )
        })?;
        if bits < 1 {
            return Err(FuncError::arg(
                i,
                "cidrsubnets(): must extend prefix by at least one bit",
            ));
        }
        if bits > 32 {
            return Err(FuncError::arg(
                i,
                "cidrsubnets(): may not extend prefix by more than 32 bits",
            ));
        }
        let len = base.len + u32::try_from(bits).unwrap_or(32);
        if len > base.bits {
            return Err(FuncError::arg(
                i,
                format!(
                    "cidrsubnets(): would extend prefix to {len} bits, which is too long for an \
                     {protocol} address"
                ),
            ));
        }
        let size_bits = base.bits - len;
        let aligned = if size_bits >= 128 {
            Some(cursor)
        } else {
            let mask = ones(size_bits);
            cursor.checked_add(mask).map(|c| c & !mask)
        };
        let end = aligned.and_then(|a| a.checked_add(ones(size_bits)));
        let Some((start, end)) = aligned
            .zip(end)
            .filter(|&(_, e)| e <= ones(base.host_bits()))
        else {
            let after = previous.map_or_else(|| base.render(), Prefix::render);
            return Err(FuncError::arg(
                i,
                format!(
                    "cidrsubnets(): not enough remaining address space for a subnet with a prefix \
                     of {len} bits after {after}"
                ),
            ));
        };
        let subnet = Prefix {
            addr: base.addr | start,
            len,
            bits: base.bits,
        };
        out.push(Value::String(subnet.render()));
        previous = Some(subnet);
        cursor = end.wrapping_add(1);
    }
    Ok(Value::List(out))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn cidrhost_examples() {
        // Documented: cidrhost("10.12.112.0/20", 16) = 10.12.112.16; 268 → 10.12.113.12;
        // cidrhost("fd00:fd12:3456:7890:00a2::/72", 34) = fd00:fd12:3456:7890::22.
        assert_eq!(
            ok("cidrhost", vec![s("10.12.112.0/20"), n(16.0)]),
            s("10.12.112.16")
        );
        assert_eq!(
            ok("cidrhost", vec![s("10.12.112.0/20"), n(268.0)]),
            s("10.12.113.12")
        );
        assert_eq!(
            ok(
                "cidrhost",
                vec![s("fd00:fd12:3456:7890:00a2::/72"), n(34.0)]
            ),
            s("fd00:fd12:3456:7890::22")
        );
        assert_eq!(
            ok("cidrhost", vec![s("10.0.0.0/24"), n(-1.0)]),
            s("10.0.0.255")
        );
        assert_eq!(
            ok("cidrhost", vec![s("10.0.0.0/24"), n(-256.0)]),
            s("10.0.0.0")
        );
        assert_eq!(
            ok("cidrhost", vec![s("10.0.0.9/24"), n(1.0)]),
            s("10.0.0.1")
        );
        assert_eq!(
            ok("cidrhost", vec![s("10.0.0.0/32"), n(0.0)]),
            s("10.0.0.0")
        );
        assert_eq!(
            ok("cidrhost", vec![s("::/0"), n(-1.0)]),
            s("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
        );
        assert_eq!(
            ok("cidrhost", vec![s("010.001.0.0/16"), n(5.0)]),
            s("10.1.0.5")
        );
        let e = err("cidrhost", vec![s("10.0.0.0/24"), n(256.0)]);
        assert_eq!(e.arg, Some(1));
        assert_eq!(
            e.message,
            "cidrhost(): prefix of 24 does not accommodate a host numbered 256"
        );
        assert!(
            err("cidrhost", vec![s("10.0.0.0/24"), n(-257.0)])
                .message
                .contains("numbered -257")
        );
        assert_eq!(err("cidrhost", vec![s("10.0.0.0/24"), n(1.5)]).arg, Some(1));
        let e = err("cidrhost", vec![s("10.0.0.0"), n(1.0)]);
        assert_eq!(e.arg, Some(0));
        assert!(
            e.message.contains("invalid CIDR expression \"10.0.0.0\""),
            "{}",
            e.message
        );
        for bad in [
            "10.0.0.256/8",
            "10.0.0/8",
            "10.0.0.0/33",
            "::/129",
            "x/1",
            "10.0.0.0/-1",
            "10.0.0.0/",
        ] {
            assert_eq!(err("cidrhost", vec![s(bad), n(1.0)]).arg, Some(0), "{bad}");
        }
    }

    #[test]
    fn cidrnetmask_examples() {
        // Documented: cidrnetmask("172.16.0.0/12") = 255.240.0.0.
        assert_eq!(
            ok("cidrnetmask", vec![s("172.16.0.0/12")]),
            s("255.240.0.0")
        );
        assert_eq!(
            ok("cidrnetmask", vec![s("10.0.0.0/32")]),
            s("255.255.255.255")
        );
        assert_eq!(ok("cidrnetmask", vec![s("0.0.0.0/0")]), s("0.0.0.0"));
        let e = err("cidrnetmask", vec![s("fd00::/8")]);
        assert_eq!(e.arg, Some(0));
        assert!(
            e.message.contains("IPv6 addresses cannot have a netmask"),
            "{}",
            e.message
        );
    }

    #[test]
    fn cidrsubnet_examples() {
        // Documented: cidrsubnet("172.16.0.0/12", 4, 2) = 172.18.0.0/16;
        // cidrsubnet("10.1.2.0/24", 4, 15) = 10.1.2.240/28;
        // cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162) = fd00:fd12:3456:7800:a200::/72.
        assert_eq!(
            ok("cidrsubnet", vec![s("172.16.0.0/12"), n(4.0), n(2.0)]),
            s("172.18.0.0/16")
        );
        assert_eq!(
            ok("cidrsubnet", vec![s("10.1.2.0/24"), n(4.0), n(15.0)]),
            s("10.1.2.240/28")
        );
        assert_eq!(
            ok(
                "cidrsubnet",
                vec![s("fd00:fd12:3456:7890::/56"), n(16.0), n(162.0)]
            ),
            s("fd00:fd12:3456:7800:a200::/72")
        );
        assert_eq!(
            ok("cidrsubnet", vec![s("10.0.0.0/8"), n(0.0), n(0.0)]),
            s("10.0.0.0/8")
        );
        assert_eq!(
            ok("cidrsubnet", vec![s("10.0.0.0/8"), n(8.0), s("255")]),
            s("10.255.0.0/16")
        );
        let e = err("cidrsubnet", vec![s("10.1.2.0/24"), n(4.0), n(16.0)]);
        assert_eq!(e.arg, Some(2));
        assert_eq!(
            e.message,
            "cidrsubnet(): prefix extension of 4 does not accommodate a subnet numbered 16"
        );
        assert_eq!(
            err("cidrsubnet", vec![s("10.1.2.0/24"), n(4.0), n(-1.0)]).arg,
            Some(2)
        );
        let e = err("cidrsubnet", vec![s("10.1.2.0/24"), n(9.0), n(0.0)]);
        assert_eq!(e.arg, Some(1));
        assert_eq!(
            e.message,
            "cidrsubnet(): insufficient address space to extend prefix of 24 by 9"
        );
        assert_eq!(
            err("cidrsubnet", vec![s("10.1.2.0/24"), n(-1.0), n(0.0)]).arg,
            Some(1)
        );
        assert_eq!(
            err("cidrsubnet", vec![s("nope"), n(1.0), n(0.0)]).arg,
            Some(0)
        );
    }

    #[test]
    fn cidrsubnets_examples() {
        // Documented: cidrsubnets("10.1.0.0/16", 4, 4, 8, 4) and the IPv6 example.
        assert_eq!(
            ok(
                "cidrsubnets",
                vec![s("10.1.0.0/16"), n(4.0), n(4.0), n(8.0), n(4.0)]
            ),
            strs(&[
                "10.1.0.0/20",
                "10.1.16.0/20",
                "10.1.32.0/24",
                "10.1.48.0/20"
            ])
        );
        assert_eq!(
            ok(
                "cidrsubnets",
                vec![
                    s("fd00:fd12:3456:7890::/56"),
                    n(16.0),
                    n(16.0),
                    n(16.0),
                    n(32.0)
                ]
            ),
            strs(&[
                "fd00:fd12:3456:7800::/72",
                "fd00:fd12:3456:7800:100::/72",
                "fd00:fd12:3456:7800:200::/72",
                "fd00:fd12:3456:7800:300::/88"
            ])
        );
        assert_eq!(ok("cidrsubnets", vec![s("10.0.0.0/8")]), strs(&[]));
        // Starting at address zero works (Terraform's own implementation trips over it).
        assert_eq!(
            ok("cidrsubnets", vec![s("0.0.0.0/1"), n(1.0), n(1.0)]),
            strs(&["0.0.0.0/2", "64.0.0.0/2"])
        );
        let e = err(
            "cidrsubnets",
            vec![s("10.0.0.0/30"), n(1.0), n(1.0), n(1.0)],
        );
        assert_eq!(e.arg, Some(3));
        assert_eq!(
            e.message,
            "cidrsubnets(): not enough remaining address space for a subnet with a prefix of 31 bits after 10.0.0.2/31"
        );
        let e = err("cidrsubnets", vec![s("10.0.0.0/24"), n(0.0)]);
        assert_eq!(
            (e.arg, e.message.as_str()),
            (
                Some(1),
                "cidrsubnets(): must extend prefix by at least one bit"
            )
        );
        assert_eq!(
            err("cidrsubnets", vec![s("fd00::/8"), n(33.0)]).arg,
            Some(1)
        );
        let e = err("cidrsubnets", vec![s("10.0.0.0/24"), n(4.0), n(9.0)]);
        assert_eq!(e.arg, Some(2));
        assert!(
            e.message
                .contains("would extend prefix to 33 bits, which is too long for an IPv4 address")
        );
    }
}
