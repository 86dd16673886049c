//! Terraform's numeric functions: `min`, `max`, `abs`, `ceil`, `floor`, `signum`, `pow`, `log`,
//! `parseint`, `sum` and `range`.

use super::support::{describe, whole_arg};
use super::{FuncCtx, FuncError, FuncSpec, Param, strict};
use crate::config::value::Value;

pub(super) const FUNCTIONS: &[FuncSpec] = &[
    strict("min", &[], Some(Param::Number), min),
    strict("max", &[], Some(Param::Number), max),
    strict("abs", &[Param::Number], None, abs),
    strict("ceil", &[Param::Number], None, ceil),
    strict("floor", &[Param::Number], None, floor),
    strict("signum", &[Param::Number], None, signum),
    strict("pow", &[Param::Number, Param::Number], None, pow),
    strict("log", &[Param::Number, Param::Number], None, log),
    strict("parseint", &[Param::Any, Param::Number], None, parseint),
    strict("sum", &[Param::List], None, sum),
    strict("range", &[], Some(Param::Number), range),
];

/// The most elements `range` produces, as in Terraform.
const RANGE_LIMIT: usize = 1024;

fn num(args: &[Value], i: usize) -> f64 {
    args.get(i).and_then(Value::as_number).unwrap_or(f64::NAN)
}

/// Terraform computes with arbitrary-precision decimals, so `0.1 + 0.2` is `0.3`; with doubles,
/// rounding sums to 15 significant digits gives the same results for the numbers people write.
fn tidy(x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    format!("{x:.14e}").parse().unwrap_or(x)
}

fn finite(func: &str, x: f64) -> Result<Value, FuncError> {
    if x.is_finite() {
        Ok(Value::Number(if x == 0.0 { 0.0 } else { x }))
    } else {
        Err(FuncError::new(format!(
            "{func}(): the result is not a finite number"
        )))
    }
}

fn extreme(func: &str, args: &[Value], pick: fn(f64, f64) -> f64) -> Result<Value, FuncError> {
    let mut values = args.iter().filter_map(Value::as_number);
    let first = values
        .next()
        .ok_or_else(|| FuncError::new(format!("{func}() needs at least one number")))?;
    Ok(Value::Number(values.fold(first, pick)))
}

fn min(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    extreme("min", &args, f64::min)
}

fn max(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    extreme("max", &args, f64::max)
}

fn abs(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    finite("abs", num(&args, 0).abs())
}

fn ceil(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    finite("ceil", num(&args, 0).ceil())
}

fn floor(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    finite("floor", num(&args, 0).floor())
}

/// `signum(n)`: -1, 0 or 1; like Terraform, only whole numbers are accepted.
fn signum(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let n = whole_arg("signum", 0, &args[0], "the number")?;
    Ok(Value::from(n.signum()))
}

fn pow(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    finite("pow", num(&args, 0).powf(num(&args, 1)))
}

fn log(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    finite("log", num(&args, 0).ln() / num(&args, 1).ln())
}

/// The value of digit `c` in `base` (2 to 62): for bases up to 36 letters are case-insensitive,
/// above that lowercase letters are 10–35 and uppercase 36–61, as in Go's `big.Int`.
fn digit(c: char, base: u32) -> Option<u32> {
    let v = match c {
        '0'..='9' => u32::from(c) - u32::from('0'),
        'a'..='z' => u32::from(c) - u32::from('a') + 10,
        'A'..='Z' if base <= 36 => u32::from(c) - u32::from('A') + 10,
        'A'..='Z' => u32::from(c) - u32::from('A') + 36,
        _ => return None,
    };
    (v < base).then_some(v)
}

/// `parseint(string, base)`.
fn parseint(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let Value::String(s) = &args[0] else {
        return Err(FuncError::arg(
            0,
            format!(
                "parseint(): the first argument must be a string, not {}",
                describe(&args[0])
            ),
        ));
    };
    let base = whole_arg("parseint", 1, &args[1], "the base")?;
    let base = u32::try_from(base)
        .ok()
        .filter(|b| (2..=62).contains(b))
        .ok_or_else(|| {
            FuncError::arg(
                1,
                "parseint(): the base must be a whole number between 2 and 62",
            )
        })?;
    let fail = || {
        FuncError::arg(
            0,
            format!(
                "parseint(): cannot parse {} as a base {base} integer",
                describe(&args[0])
            ),
        )
    };
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty() {
        return Err(fail());
    }
    let mut exact: Option<u128> = Some(0);
    let mut approx = 0f64;
    for c in digits.chars() {
        let d = digit(c, base).ok_or_else(fail)?;
        exact = exact
            .and_then(|v| v.checked_mul(u128::from(base)))
            .and_then(|v| v.checked_add(u128::from(d)));
        approx = approx * f64::from(base) + f64::from(d);
    }
    #[allow(clippy::cast_precision_loss)]
    let magnitude = exact.map_or(approx, |v| v as f64);
    finite("parseint", if negative { -magnitude } else { magnitude })
}

/// `sum(list)`: the elements must be numbers (numeric strings are converted).
fn sum(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let items = args[0].as_seq().unwrap_or_default();
    if items.is_empty() {
        return Err(FuncError::arg(0, "sum(): cannot sum an empty list"));
    }
    let mut total = 0.0;
    for (i, item) in items.iter().enumerate() {
        let n = item.coerce_number().ok_or_else(|| {
            FuncError::arg(
                0,
                format!(
                    "sum(): element {i} is {}, but only numbers can be summed",
                    describe(item)
                ),
            )
        })?;
        total += n;
    }
    finite("sum", tidy(total))
}

/// `range(limit)`, `range(start, limit)` or `range(start, limit, step)`.
fn range(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let n: Vec<f64> = args.iter().filter_map(Value::as_number).collect();
    let (start, limit, step) = match n.as_slice() {
        [limit] => (0.0, *limit, if *limit < 0.0 { -1.0 } else { 1.0 }),
        [start, limit] => (*start, *limit, if limit < start { -1.0 } else { 1.0 }),
        [start, limit, step] => (*start, *limit, *step),
        _ => {
            return Err(FuncError::new(format!(
                "range() takes one, two or three numbers, but {} were given",
                args.len()
            )));
        }
    };
    if step == 0.0 {
        return Err(FuncError::arg(2, "range(): step must not be zero"));
    }
    let down = step < 0.0;
    if down && limit > start {
        return Err(FuncError::arg(
            1,
            format!(
                "range(): the limit ({limit}) must not be greater than the start ({start}) when \
                 the step is negative"
            ),
        ));
    }
    if !down && limit < start {
        return Err(FuncError::arg(
            1,
            format!(
                "range(): the limit ({limit}) must not be less than the start ({start}) when the \
                 step is positive"
            ),
        ));
    }
    let mut values = Vec::new();
    for i in 0..=RANGE_LIMIT {
        #[allow(clippy::cast_precision_loss)]
        let x = tidy(start + i as f64 * step);
        if (down && x <= limit) || (!down && x >= limit) {
            break;
        }
        if values.len() == RANGE_LIMIT {
            return Err(FuncError::new(format!(
                "range(): more than {RANGE_LIMIT} values would be generated; decrease the \
                 difference between start and limit, or use a larger step"
            )));
        }
        values.push(Value::Number(x));
    }
    Ok(Value::List(values))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn min_and_max() {
        // Documented: min(12, 54, 3) = 3; max(12, 54, 3) = 54.
        assert_eq!(ok("min", vec![n(12.0), n(54.0), n(3.0)]), n(3.0));
        assert_eq!(ok("max", vec![n(12.0), n(54.0), n(3.0)]), n(54.0));
        assert_eq!(ok("max", vec![n(-1.5)]), n(-1.5));
        assert_eq!(ok("min", vec![s("7"), n(9.0)]), n(7.0));
        let e = err("min", vec![]);
        assert_eq!(e.arg, None);
        assert!(
            e.message.contains("min() needs at least one number"),
            "{}",
            e.message
        );
        let e = err("max", vec![n(1.0), s("x")]);
        assert_eq!(e.arg, Some(1));
        assert!(e.message.contains("\"x\" is not a number"), "{}", e.message);
    }

    #[test]
    fn rounding_and_sign() {
        // Documented: abs(23) = 23, abs(0) = 0, abs(-12.4) = 12.4; ceil(5) = 5, ceil(5.1) = 6;
        // floor(5) = 5, floor(4.9) = 4; signum(-13) = -1, signum(0) = 0, signum(344) = 1.
        assert_eq!(ok("abs", vec![n(23.0)]), n(23.0));
        assert_eq!(ok("abs", vec![n(0.0)]), n(0.0));
        assert_eq!(ok("abs", vec![n(-12.4)]), n(12.4));
        assert_eq!(ok("ceil", vec![n(5.0)]), n(5.0));
        assert_eq!(ok("ceil", vec![n(5.1)]), n(6.0));
        assert_eq!(ok("ceil", vec![n(-5.1)]), n(-5.0));
        assert_eq!(ok("floor", vec![n(5.0)]), n(5.0));
        assert_eq!(ok("floor", vec![n(4.9)]), n(4.0));
        assert_eq!(ok("floor", vec![n(-4.1)]), n(-5.0));
        assert_eq!(ok("signum", vec![n(-13.0)]), n(-1.0));
        assert_eq!(ok("signum", vec![n(0.0)]), n(0.0));
        assert_eq!(ok("signum", vec![n(344.0)]), n(1.0));
        let e = err("signum", vec![n(0.5)]);
        assert_eq!(e.arg, Some(0));
        assert!(e.message.contains("whole number"), "{}", e.message);
        assert_eq!(err("abs", vec![Value::Bool(true)]).arg, Some(0));
        assert_eq!(err("ceil", vec![Value::Null]).arg, Some(0));
        assert_eq!(err("floor", vec![s("four")]).arg, Some(0));
    }

    #[test]
    fn pow_and_log() {
        // Documented: pow(3, 2) = 9, pow(4, 0) = 1; log(50, 10) = 1.6989700043360185,
        // log(16, 2) = 4, log(1, 10) = 0.
        assert_eq!(ok("pow", vec![n(3.0), n(2.0)]), n(9.0));
        assert_eq!(ok("pow", vec![n(4.0), n(0.0)]), n(1.0));
        assert_eq!(ok("pow", vec![n(2.0), n(-1.0)]), n(0.5));
        assert_eq!(
            ok("log", vec![n(50.0), n(10.0)]),
            n(1.698_970_004_336_018_5)
        );
        assert_eq!(ok("log", vec![n(16.0), n(2.0)]), n(4.0));
        assert_eq!(ok("log", vec![n(1.0), n(10.0)]), n(0.0));
        let e = err("log", vec![n(0.0), n(10.0)]);
        assert_eq!(e.arg, None);
        assert!(e.message.contains("not a finite number"), "{}", e.message);
        assert!(
            err("pow", vec![n(0.0), n(-1.0)])
                .message
                .starts_with("pow()")
        );
        assert!(err("pow", vec![n(-8.0), n(0.5)]).message.contains("finite"));
    }

    #[test]
    fn parseint_bases() {
        // Documented: parseint("100", 10) = 100; parseint("FF", 16) = 255; parseint("-10", 16) =
        // -16; parseint("1011111011101111", 2) = 48879; parseint("aA", 62) = 656;
        // parseint("12", 2) is an error.
        assert_eq!(ok("parseint", vec![s("100"), n(10.0)]), n(100.0));
        assert_eq!(ok("parseint", vec![s("FF"), n(16.0)]), n(255.0));
        assert_eq!(ok("parseint", vec![s("ff"), n(16.0)]), n(255.0));
        assert_eq!(ok("parseint", vec![s("-10"), n(16.0)]), n(-16.0));
        assert_eq!(
            ok("parseint", vec![s("1011111011101111"), n(2.0)]),
            n(48879.0)
        );
        assert_eq!(ok("parseint", vec![s("aA"), n(62.0)]), n(656.0));
        assert_eq!(ok("parseint", vec![s("+7"), n(8.0)]), n(7.0));
        assert_eq!(
            ok("parseint", vec![s(&"f".repeat(40)), n(16.0)]),
            n(16f64.powi(40) - 1.0)
        );
        let e = err("parseint", vec![s("12"), n(2.0)]);
        assert_eq!(e.arg, Some(0));
        assert_eq!(
            e.message,
            "parseint(): cannot parse \"12\" as a base 2 integer"
        );
        assert_eq!(err("parseint", vec![s(""), n(10.0)]).arg, Some(0));
        assert_eq!(err("parseint", vec![s("0x1f"), n(16.0)]).arg, Some(0));
        assert_eq!(err("parseint", vec![s("1_000"), n(10.0)]).arg, Some(0));
        let e = err("parseint", vec![n(100.0), n(10.0)]);
        assert!(
            e.message.contains("must be a string, not 100"),
            "{}",
            e.message
        );
        let e = err("parseint", vec![s("1"), n(63.0)]);
        assert_eq!(e.arg, Some(1));
        assert!(e.message.contains("between 2 and 62"), "{}", e.message);
        assert_eq!(err("parseint", vec![s("1"), n(1.0)]).arg, Some(1));
    }

    #[test]
    fn sum_of_numbers() {
        // Documented: sum([10, 13, 6, 4.5]) = 33.5.
        assert_eq!(ok("sum", vec![nums(&[10.0, 13.0, 6.0, 4.5])]), n(33.5));
        assert_eq!(ok("sum", vec![nums(&[0.1, 0.2])]), n(0.3));
        assert_eq!(ok("sum", vec![Value::List(vec![s("1"), n(2.0)])]), n(3.0));
        assert_eq!(ok("sum", vec![Value::set(vec![n(1.0), n(2.0)])]), n(3.0));
        let e = err("sum", vec![Value::List(vec![])]);
        assert_eq!(e.arg, Some(0));
        assert_eq!(e.message, "sum(): cannot sum an empty list");
        let e = err("sum", vec![Value::List(vec![n(1.0), s("a")])]);
        assert!(e.message.contains("element 1 is \"a\""), "{}", e.message);
        assert!(
            err("sum", vec![Value::List(vec![Value::Null])])
                .message
                .contains("null")
        );
        assert_eq!(err("sum", vec![n(3.0)]).arg, Some(0));
    }

    #[test]
    fn range_sequences() {
        // Documented: range(3) = [0, 1, 2]; range(1, 4) = [1, 2, 3]; range(1, 8, 2) =
        // [1, 3, 5, 7]; range(1, 4, 0.5) = [1, 1.5, 2, 2.5, 3, 3.5]; range(4, 1) = [4, 3, 2];
        // range(10, 5, -2) = [10, 8, 6].
        assert_eq!(ok("range", vec![n(3.0)]), nums(&[0.0, 1.0, 2.0]));
        assert_eq!(ok("range", vec![n(1.0), n(4.0)]), nums(&[1.0, 2.0, 3.0]));
        assert_eq!(
            ok("range", vec![n(1.0), n(8.0), n(2.0)]),
            nums(&[1.0, 3.0, 5.0, 7.0])
        );
        assert_eq!(
            ok("range", vec![n(1.0), n(4.0), n(0.5)]),
            nums(&[1.0, 1.5, 2.0, 2.5, 3.0, 3.5])
        );
        assert_eq!(ok("range", vec![n(4.0), n(1.0)]), nums(&[4.0, 3.0, 2.0]));
        assert_eq!(
            ok("range", vec![n(10.0), n(5.0), n(-2.0)]),
            nums(&[10.0, 8.0, 6.0])
        );
        assert_eq!(ok("range", vec![n(-3.0)]), nums(&[0.0, -1.0, -2.0]));
        assert_eq!(ok("range", vec![n(0.0)]), nums(&[]));
        assert_eq!(
            ok("range", vec![n(0.0), n(0.3), n(0.1)]),
            nums(&[0.0, 0.1, 0.2])
        );
        let all = ok("range", vec![n(1024.0)]);
        assert_eq!(all.as_seq().map(<[Value]>::len), Some(1024));
        let e = err("range", vec![n(1025.0)]);
        assert!(e.message.contains("more than 1024 values"), "{}", e.message);
        assert!(err("range", vec![n(1e9)]).message.contains("1024"));
        let e = err("range", vec![n(1.0), n(4.0), n(0.0)]);
        assert_eq!(
            (e.arg, e.message.as_str()),
            (Some(2), "range(): step must not be zero")
        );
        assert_eq!(err("range", vec![n(1.0), n(4.0), n(-1.0)]).arg, Some(1));
        assert_eq!(err("range", vec![n(4.0), n(1.0), n(1.0)]).arg, Some(1));
        assert_eq!(err("range", vec![]).arg, None);
        assert_eq!(err("range", vec![n(1.0), n(2.0), n(3.0), n(4.0)]).arg, None);
    }
}
