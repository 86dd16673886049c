//! Go's rendering of numbers for `format`: the `big.Int` and `big.Float` verbs (`%d %b %o %x %X`,
//! `%e %E %f %g %G`) with their flags, widths and precisions, reproduced on doubles.

/// One formatting verb of a `format` string, with its flags.
#[derive(Default)]
pub(super) struct Verb<'a> {
    pub(super) raw: &'a str,
    pub(super) offset: usize,
    /// 1-based index of the value to format.
    pub(super) arg: usize,
    pub(super) mode: char,
    pub(super) zero: bool,
    pub(super) sharp: bool,
    pub(super) plus: bool,
    pub(super) minus: bool,
    pub(super) space: bool,
    pub(super) width: Option<usize>,
    pub(super) prec: Option<usize>,
}

/// Go's formatting of a big integer: `[padding][sign][prefix][zeros][digits][padding]`.
pub(super) fn format_integer(verb: &Verb<'_>, n: f64) -> String {
    let base = match verb.mode {
        'b' => 2,
        'o' => 8,
        'x' | 'X' => 16,
        _ => 10,
    };
    let mut digits = integer_digits(n.abs(), base);
    if verb.mode == 'X' {
        digits = digits.to_uppercase();
    }
    let sign = if n < 0.0 {
        "-"
    } else if verb.plus {
        "+"
    } else if verb.space {
        " "
    } else {
        ""
    };
    let prefix = match (verb.sharp, verb.mode) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let mut zeros = 0;
    if let Some(p) = verb.prec {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            digits.clear();
        }
    }
    let (mut left, mut right) = (0, 0);
    let length = sign.len() + prefix.len() + zeros + digits.len();
    if let Some(w) = verb.width.filter(|&w| w > length) {
        let d = w - length;
        if verb.minus {
            right = d;
        } else if verb.zero && verb.prec.is_none() {
            zeros = d;
        } else {
            left = d;
        }
    }
    format!(
        "{}{sign}{prefix}{}{digits}{}",
        " ".repeat(left),
        "0".repeat(zeros),
        " ".repeat(right)
    )
}

/// The digits of a non-negative whole number in `base`, exact for every finite double.
fn integer_digits(n: f64, base: u32) -> String {
    if n < 1e38 {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let v = n as u128;
        return match base {
            2 => format!("{v:b}"),
            8 => format!("{v:o}"),
            16 => format!("{v:x}"),
            _ => v.to_string(),
        };
    }
    if base == 10 {
        return format!("{n:.0}");
    }
    // Large doubles are a 53-bit mantissa shifted left: write the bits, then regroup them.
    let bits = n.to_bits();
    let exponent = usize::try_from(((bits >> 52) & 0x7ff).saturating_sub(1075)).unwrap_or(0);
    let mantissa = (bits & ((1 << 52) - 1)) | (1 << 52);
    let binary = format!("{mantissa:b}{}", "0".repeat(exponent));
    let group = match base {
        8 => 3,
        16 => 4,
        _ => return binary,
    };
    let padded = format!(
        "{}{binary}",
        "0".repeat((group - binary.len() % group) % group)
    );
    padded
        .as_bytes()
        .chunks(group)
        .map(|chunk| {
            let v = chunk.iter().fold(0, |acc, b| acc * 2 + u32::from(b - b'0'));
            char::from_digit(v, base).unwrap_or('0')
        })
        .collect()
}

/// Go's formatting of a big float for `%e %E %f %g %G` with flags and width.
pub(super) fn format_float(verb: &Verb<'_>, n: f64) -> String {
    let body = go_float(n.abs(), verb.mode, verb.prec);
    let sign = if n < 0.0 {
        "-"
    } else if verb.plus {
        "+"
    } else if verb.space {
        " "
    } else {
        ""
    };
    let len = sign.len() + body.len();
    let padding = verb.width.map_or(0, |w| w.saturating_sub(len));
    if verb.zero {
        format!("{sign}{}{body}", "0".repeat(padding))
    } else if verb.minus {
        format!("{sign}{body}{}", " ".repeat(padding))
    } else {
        format!("{}{sign}{body}", " ".repeat(padding))
    }
}

/// Go's `big.Float.Text(mode, prec)` for a number (a negative one gets a leading `-`); `None`
/// precision is the default: 6 for `e` and `f`, the shortest exact form for `g`.
pub(super) fn go_float(n: f64, mode: char, prec: Option<usize>) -> String {
    if !n.is_finite() {
        return match (n.is_nan(), n > 0.0) {
            (true, _) => "NaN".to_string(),
            (false, true) => "+Inf".to_string(),
            (false, false) => "-Inf".to_string(),
        };
    }
    let n = if n == 0.0 { 0.0 } else { n }; // no "-0"
    if n < 0.0 {
        return format!("-{}", go_float(-n, mode, prec));
    }
    let upper = mode.is_ascii_uppercase();
    let text = match mode.to_ascii_lowercase() {
        'e' => go_exponent(&format!("{:.*e}", prec.unwrap_or(6), n)),
        'f' => format!("{:.*}", prec.unwrap_or(6), n),
        _ => go_general(n, prec),
    };
    if upper { text.to_uppercase() } else { text }
}

/// Rewrites Rust's exponent (`1.5e3`) the way Go writes it (`1.5e+03`).
fn go_exponent(rust: &str) -> String {
    let Some((mantissa, exp)) = rust.split_once('e') else {
        return rust.to_string();
    };
    let (sign, digits) = match exp.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exp),
    };
    format!("{mantissa}e{sign}{digits:0>2}")
}

/// `%g`: the decimal digits rounded to `prec` significant digits (or the shortest exact form),
/// written in `%e` style for large and small exponents and `%f` style otherwise.
fn go_general(n: f64, prec: Option<usize>) -> String {
    if n == 0.0 {
        return "0".to_string();
    }
    let rust = match prec {
        None => format!("{n:e}"),
        Some(p) => format!("{:.*e}", p.max(1) - 1, n),
    };
    let (mantissa, exp) = rust.split_once('e').unwrap_or((rust.as_str(), "0"));
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    // Go's decimal exponent: the value is 0.DIGITS × 10^dexp.
    let dexp = exp.parse::<i64>().unwrap_or(0) + 1;
    let len = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    let mut p = prec.map_or(len, |p| i64::try_from(p.max(1)).unwrap_or(i64::MAX));
    let mut eprec = p;
    if eprec > len && len >= dexp {
        eprec = len;
    }
    if prec.is_none() {
        eprec = 6;
    }
    let x = dexp - 1;
    if x < -4 || x >= eprec {
        p = p.min(len);
        let mut s = String::from(char::from(digits[0]));
        if p > 1 {
            s.push('.');
            s.extend(digits[1..].iter().map(|&d| char::from(d)));
        }
        return format!("{s}e{}{:02}", if x < 0 { '-' } else { '+' }, x.abs());
    }
    if p > dexp {
        p = len;
    }
    let decimals = usize::try_from((p - dexp).max(0)).unwrap_or(0);
    let digit = |i: i64| {
        usize::try_from(i)
            .ok()
            .and_then(|i| digits.get(i))
            .map_or('0', |&d| char::from(d))
    };
    let mut s: String = if dexp > 0 {
        (0..dexp).map(digit).collect()
    } else {
        "0".to_string()
    };
    if decimals > 0 {
        s.push('.');
        s.extend((0..i64::try_from(decimals).unwrap_or(0)).map(|i| digit(dexp + i)));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::config::value::Value;

    fn fmt(f: &str, args: Vec<Value>) -> String {
        let mut all = vec![Value::from(f)];
        all.extend(args);
        match call_fn("format", all) {
            Ok(Value::String(s)) => s,
            other => panic!("format({f:?}): {other:?}"),
        }
    }

    fn n(x: f64) -> Value {
        Value::from(x)
    }

    fn s(x: &str) -> Value {
        Value::from(x)
    }

    #[test]
    fn integers() {
        assert_eq!(fmt("%d", vec![n(10.0)]), "10");
        assert_eq!(fmt("%+d", vec![n(10.0)]), "+10");
        assert_eq!(fmt("% d", vec![n(10.0)]), " 10");
        assert_eq!(fmt("%5d|", vec![n(10.0)]), "   10|");
        assert_eq!(fmt("%-5d|", vec![n(10.0)]), "10   |");
        assert_eq!(fmt("%05d", vec![n(-42.0)]), "-0042");
        assert_eq!(fmt("%.3d", vec![n(7.0)]), "007");
        assert_eq!(fmt("%b", vec![n(5.0)]), "101");
        assert_eq!(fmt("%o", vec![n(9.0)]), "11");
        assert_eq!(fmt("%#o", vec![n(8.0)]), "010");
        assert_eq!(fmt("%x", vec![n(254.0)]), "fe");
        assert_eq!(fmt("%X", vec![n(254.0)]), "FE");
        assert_eq!(fmt("%#x", vec![n(255.0)]), "0xff");
        assert_eq!(fmt("%x", vec![n(-255.0)]), "-ff");
        assert_eq!(fmt("%d", vec![s("12")]), "12");
        assert_eq!(fmt("%d", vec![n(1e21)]), "1000000000000000000000");
        assert_eq!(
            fmt("%x", vec![n(2f64.powi(130))]),
            format!("4{}", "0".repeat(32))
        );
        assert_eq!(
            fmt("%o", vec![n(2f64.powi(130))]),
            format!("2{}", "0".repeat(43))
        );
    }

    #[test]
    fn floats() {
        assert_eq!(fmt("%f", vec![n(10.0)]), "10.000000");
        assert_eq!(fmt("%+f", vec![n(10.0)]), "+10.000000");
        assert_eq!(fmt("% f", vec![n(-10.0)]), "-10.000000");
        assert_eq!(fmt("%.1f", vec![s("1.06")]), "1.1");
        assert_eq!(fmt("%5.2f|", vec![n(3.24159)]), " 3.24|");
        assert_eq!(fmt("%-8.2f|", vec![n(3.24159)]), "3.24    |");
        assert_eq!(fmt("%08.2f", vec![n(-3.24159)]), "-0003.24");
        assert_eq!(fmt("%.0f", vec![n(2.5)]), "2");
        assert_eq!(fmt("%e", vec![n(1000.0)]), "1.000000e+03");
        assert_eq!(fmt("%E", vec![n(1000.0)]), "1.000000E+03");
        assert_eq!(fmt("%.2e", vec![n(0.000123)]), "1.23e-04");
        assert_eq!(fmt("%g", vec![n(1000.0)]), "1000");
        assert_eq!(fmt("%G", vec![n(1000.0)]), "1000");
        assert_eq!(fmt("%g", vec![s("0.00000000000000000000001")]), "1e-23");
        assert_eq!(fmt("%G", vec![s("0.00000000000000000000001")]), "1E-23");
        assert_eq!(fmt("%g", vec![n(1234567.0)]), "1.234567e+06");
        assert_eq!(fmt("%g", vec![n(0.0001)]), "0.0001");
        assert_eq!(fmt("%g", vec![n(0.00001)]), "1e-05");
        assert_eq!(fmt("%.3g", vec![n(1234.5678)]), "1.23e+03");
        assert_eq!(fmt("%.3g", vec![n(0.5)]), "0.5");
        assert_eq!(fmt("%.3g", vec![n(12.0)]), "12");
        assert_eq!(fmt("%g", vec![n(0.0)]), "0");
        assert_eq!(fmt("%v", vec![n(1e6)]), "1e+06");
        assert_eq!(fmt("%v", vec![n(123456.0)]), "123456");
        assert_eq!(fmt("%v", vec![n(0.1)]), "0.1");
        assert_eq!(fmt("%8v|", vec![n(-2.5)]), "    -2.5|");
    }

    #[test]
    fn non_finite_numbers_do_not_panic() {
        assert_eq!(super::go_float(f64::INFINITY, 'g', None), "+Inf");
        assert_eq!(super::go_float(f64::NEG_INFINITY, 'e', Some(2)), "-Inf");
        assert_eq!(super::go_float(f64::NAN, 'f', None), "NaN");
        let e = call_fn("format", vec![s("%d"), n(f64::INFINITY)]).unwrap_err();
        assert!(
            e.message.contains("an integer is required"),
            "{}",
            e.message
        );
        assert_eq!(fmt("%v", vec![n(f64::INFINITY)]), "+Inf");
    }
}
