//! When to send a request again: 429 and 5xx answers and network failures are retried with
//! exponential backoff and jitter, honouring `Retry-After` and the `x-ms-ratelimit-remaining-*`
//! headers, within a bounded number of attempts and a total time; a request whose first attempt may
//! have taken effect is only repeated after reading the resource.

use std::time::Duration;

use super::request::Repeat;
use super::response::ArmResponse;

/// Limits of the retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Total time for all attempts and waits.
    pub max_elapsed: Duration,
    /// The first backoff; each further one doubles.
    pub base_delay: Duration,
    /// The longest single wait.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 10,
            max_elapsed: Duration::from_secs(600),
            base_delay: Duration::from_millis(800),
            max_delay: Duration::from_secs(60),
        }
    }
}

/// What happened to one attempt.
#[derive(Debug, Clone, Copy)]
pub enum Attempt<'a> {
    /// Azure answered.
    Answered(&'a ArmResponse),
    /// The connection could not be made: the request never left.
    NotSent,
    /// The connection broke after the request was sent: its effect is unknown.
    Unknown,
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Use this outcome (success, or an error retrying cannot fix).
    Done,
    /// Wait, then send again.
    Retry(Duration),
    /// Wait, read the resource to learn whether the first attempt took effect, then decide.
    ReadThenRetry(Duration),
    /// Retrying would break the limits: give up with the last outcome.
    GiveUp,
}

/// Whether an HTTP status is worth retrying.
pub fn retriable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// The backoff before attempt `attempt + 1` (attempts count from 1): exponential, capped, with
/// "full jitter" (`jitter` in 0..1 picks a point between half and all of the step).
pub fn backoff(policy: &RetryPolicy, attempt: u32, jitter: f64) -> Duration {
    let exp = policy
        .base_delay
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let capped = exp.min(policy.max_delay);
    capped.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

/// Decides after attempt number `attempt` (from 1), `elapsed` since the first.
pub fn decide(
    policy: &RetryPolicy,
    attempt: u32,
    elapsed: Duration,
    outcome: Attempt<'_>,
    repeat: Repeat,
    jitter: f64,
) -> Decision {
    let (retriable, advised, may_have_applied) = match outcome {
        Attempt::Answered(resp) => {
            if !retriable_status(resp.status) {
                return Decision::Done;
            }
            // Azure's own advice wins; with the rate limit used up and no advice, back off longer.
            let advised = resp.retry_after().or_else(|| {
                (resp.ratelimit_remaining() == Some(0))
                    .then(|| backoff(policy, attempt + 2, jitter))
            });
            // A 429 or 503 means the request was not processed; other 5xx may have been.
            let maybe_applied = !matches!(resp.status, 429 | 503 | 408);
            (true, advised, maybe_applied)
        }
        Attempt::NotSent => (true, None, false),
        Attempt::Unknown => (true, None, true),
    };
    if !retriable || attempt >= policy.max_attempts {
        return Decision::GiveUp;
    }
    let wait = advised.unwrap_or_else(|| backoff(policy, attempt, jitter));
    if elapsed + wait > policy.max_elapsed {
        return Decision::GiveUp;
    }
    if may_have_applied && repeat == Repeat::ReadFirst {
        Decision::ReadThenRetry(wait)
    } else {
        Decision::Retry(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, headers: &[(&str, &str)]) -> ArmResponse {
        ArmResponse::new(status, headers, "")
    }

    fn p() -> RetryPolicy {
        RetryPolicy::default()
    }

    #[test]
    fn successes_and_client_errors_are_final() {
        for status in [200, 201, 202, 204, 400, 401, 403, 404, 409, 412] {
            let r = resp(status, &[]);
            assert_eq!(
                decide(
                    &p(),
                    1,
                    Duration::ZERO,
                    Attempt::Answered(&r),
                    Repeat::Safe,
                    0.5
                ),
                Decision::Done,
                "{status}"
            );
        }
    }

    #[test]
    fn throttling_honours_retry_after() {
        let r = resp(429, &[("Retry-After", "17")]);
        assert_eq!(
            decide(
                &p(),
                1,
                Duration::ZERO,
                Attempt::Answered(&r),
                Repeat::ReadFirst,
                0.5
            ),
            Decision::Retry(Duration::from_secs(17)),
            "a throttled request was not processed, so even a conditional write is simply repeated"
        );
        let exhausted = resp(
            429,
            &[("x-ms-ratelimit-remaining-subscription-writes", "0")],
        );
        match decide(
            &p(),
            1,
            Duration::ZERO,
            Attempt::Answered(&exhausted),
            Repeat::Safe,
            1.0,
        ) {
            Decision::Retry(d) => assert!(d >= backoff(&p(), 1, 1.0) * 4, "{d:?}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn server_errors_back_off_exponentially() {
        let r = resp(500, &[]);
        let waits: Vec<Duration> = (1..=4)
            .map(|a| {
                match decide(
                    &p(),
                    a,
                    Duration::ZERO,
                    Attempt::Answered(&r),
                    Repeat::Safe,
                    1.0,
                ) {
                    Decision::Retry(d) => d,
                    other => panic!("{other:?}"),
                }
            })
            .collect();
        assert_eq!(waits, [800, 1600, 3200, 6400].map(Duration::from_millis));
        assert_eq!(
            backoff(&p(), 1, 0.0),
            Duration::from_millis(400),
            "jitter keeps at least half"
        );
        assert_eq!(backoff(&p(), 30, 1.0), Duration::from_secs(60), "capped");
    }

    #[test]
    fn unknown_outcomes_of_conditional_writes_read_first() {
        assert_eq!(
            decide(&p(), 1, Duration::ZERO, Attempt::Unknown, Repeat::Safe, 1.0),
            Decision::Retry(Duration::from_millis(800))
        );
        assert_eq!(
            decide(
                &p(),
                1,
                Duration::ZERO,
                Attempt::Unknown,
                Repeat::ReadFirst,
                1.0
            ),
            Decision::ReadThenRetry(Duration::from_millis(800))
        );
        assert_eq!(
            decide(
                &p(),
                1,
                Duration::ZERO,
                Attempt::NotSent,
                Repeat::ReadFirst,
                1.0
            ),
            Decision::Retry(Duration::from_millis(800))
        );
        let r = resp(500, &[]);
        assert_eq!(
            decide(
                &p(),
                1,
                Duration::ZERO,
                Attempt::Answered(&r),
                Repeat::ReadFirst,
                1.0
            ),
            Decision::ReadThenRetry(Duration::from_millis(800))
        );
        let r = resp(503, &[]);
        assert_eq!(
            decide(
                &p(),
                1,
                Duration::ZERO,
                Attempt::Answered(&r),
                Repeat::ReadFirst,
                1.0
            ),
            Decision::Retry(Duration::from_millis(800))
        );
    }

    #[test]
    fn limits_stop_retrying() {
        let r = resp(503, &[]);
        assert_eq!(
            decide(
                &p(),
                10,
                Duration::ZERO,
                Attempt::Answered(&r),
                Repeat::Safe,
                0.5
            ),
            Decision::GiveUp
        );
        let late = resp(429, &[("Retry-After", "30")]);
        assert_eq!(
            decide(
                &p(),
                2,
                Duration::from_secs(590),
                Attempt::Answered(&late),
                Repeat::Safe,
                0.5
            ),
            Decision::GiveUp
        );
    }
}
