//! Deterministic randomness without state: every generated value is a pure function of the seed
//! and the value's coordinates (creator, day, index, ...).
//!
//! That is what lets the sandbox generate a million orders lazily: any page can be computed on its
//! own, in any order, and gives the same answer every time.

/// SplitMix64's finaliser: a fast, well-mixed 64-bit hash step.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash of the seed and a path of coordinates.
pub fn hash(seed: u64, path: &[u64]) -> u64 {
    path.iter().fold(mix(seed), |h, &p| mix(h ^ mix(p)))
}

/// A value's source of random draws: cheap to create, deterministic in its path.
#[derive(Debug, Clone)]
pub struct Draws {
    state: u64,
}

impl Draws {
    /// Draws for the value at `path` under `seed`.
    pub fn new(seed: u64, path: &[u64]) -> Self {
        Draws { state: hash(seed, path) }
    }

    /// The next raw 64-bit value.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.state)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in [0, n); 0 when n is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64 }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(f64::MIN_POSITIVE);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Log-normal with the given median and spread (sigma of the log): heavy-tailed counts.
    pub fn log_normal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }

    /// Poisson-distributed count with mean `lambda` (normal approximation above 30).
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda > 30.0 {
            return (lambda + lambda.sqrt() * self.normal()).round().max(0.0) as u64;
        }
        let limit = (-lambda).exp();
        let mut product = self.unit();
        let mut count = 0;
        while product > limit {
            product *= self.unit();
            count += 1;
        }
        count
    }

    /// One of `items`, chosen uniformly.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A TikTok-style 19-digit numeric id for the value at `path`.
pub fn numeric_id(seed: u64, path: &[u64]) -> String {
    // 7xxxxxxxxxxxxxxxxxx: 19 digits, like TikTok's 64-bit ids.
    let n = hash(seed, path) % 1_000_000_000_000_000_000;
    format!("7{n:018}")
}

/// A short alphanumeric token of `len` characters for the value at `path`.
pub fn alphanumeric(seed: u64, path: &[u64], len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut draws = Draws::new(seed, path);
    (0..len).map(|_| char::from(*draws.pick(ALPHABET))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_path_same_values_and_paths_differ() {
        let a: Vec<u64> = (0..4).map(|_| Draws::new(7, &[1, 2]).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Draws::new(7, &[1, 2]).next_u64(), Draws::new(7, &[2, 1]).next_u64());
        assert_ne!(Draws::new(7, &[1, 2]).next_u64(), Draws::new(8, &[1, 2]).next_u64());
        let id = numeric_id(1, &[2]);
        assert_eq!(id.len(), 19);
        assert!(id.bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn distributions_have_the_right_centre() {
        let mut draws = Draws::new(3, &[]);
        let n = 20_000;
        let mean_unit = (0..n).map(|_| draws.unit()).sum::<f64>() / f64::from(n);
        assert!((mean_unit - 0.5).abs() < 0.01, "{mean_unit}");
        let mean_poisson = (0..n).map(|_| draws.poisson(4.0) as f64).sum::<f64>() / f64::from(n);
        assert!((mean_poisson - 4.0).abs() < 0.1, "{mean_poisson}");
        let mut logs: Vec<f64> = (0..n).map(|_| draws.log_normal(100.0, 1.5)).collect();
        logs.sort_by(f64::total_cmp);
        let median = logs[logs.len() / 2];
        assert!((80.0..125.0).contains(&median), "{median}");
        assert!(logs[logs.len() - 1] > 100.0 * 50.0, "heavy tail");
    }
}
