//! Ban hours: when the truck ban applies. [`DailyBan`] is the daily window
//! of 临政发〔2023〕5号 (06:00–22:00 Asia/Shanghai, from 2023-03-01); any
//! other schedule implements [`BanSchedule`].

const MS_PER_HOUR: i64 = 3_600_000;
const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;

/// When a ban applies, on unix-millisecond times.
pub trait BanSchedule {
    /// Whether the ban applies at `t_ms`.
    fn banned_at(&self, t_ms: i64) -> bool;

    /// The first time after `t_ms` at which [`banned_at`](Self::banned_at)
    /// changes, `None` if it never does. `banned_at` is constant on
    /// `[t_ms, next_change(t_ms))`.
    fn next_change(&self, t_ms: i64) -> Option<i64>;
}

/// A ban for the same local hours every day, `[start, end)` local time at a
/// fixed UTC offset, from a given instant on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyBan {
    in_force_from_ms: i64,
    utc_offset_ms: i64,
    start_ms_of_day: i64,
    end_ms_of_day: i64,
}

/// Why [`DailyBan::new`] rejected its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DailyBanError {
    /// The window is not `0 <= start < end <= 24 h`.
    #[error("the daily window must satisfy 0 <= start < end <= 24 h")]
    BadWindow,
    /// The offset is not within ±24 h.
    #[error("the UTC offset must be within ±24 h")]
    BadOffset,
}

impl DailyBan {
    /// The urban truck ban of 临政发〔2023〕5号 (二、(一)): every day
    /// 06:00–22:00 Asia/Shanghai (UTC+8, no daylight saving), in force from
    /// 2023-03-01T00:00+08:00. Made from the rule's one home,
    /// `landtrace_domain::truck_ban::{BAN_START_MINUTE, BAN_END_MINUTE,
    /// UTC_OFFSET_MINUTES, IN_FORCE}`.
    pub const LINYI_TRUCK_BAN: DailyBan = {
        use landtrace_domain::truck_ban::{BAN_END_MINUTE, BAN_START_MINUTE, IN_FORCE, UTC_OFFSET_MINUTES};
        const MS_PER_MINUTE: i64 = 60_000;
        let offset_ms = UTC_OFFSET_MINUTES as i64 * MS_PER_MINUTE;
        DailyBan {
            in_force_from_ms: IN_FORCE.epoch_days() * MS_PER_DAY - offset_ms,
            utc_offset_ms: offset_ms,
            start_ms_of_day: BAN_START_MINUTE as i64 * MS_PER_MINUTE,
            end_ms_of_day: BAN_END_MINUTE as i64 * MS_PER_MINUTE,
        }
    };

    /// A daily ban on `[start_ms_of_day, end_ms_of_day)` local time at
    /// `utc_offset_ms`, applying from `in_force_from_ms` (unix ms) on.
    pub fn new(
        in_force_from_ms: i64,
        utc_offset_ms: i64,
        start_ms_of_day: i64,
        end_ms_of_day: i64,
    ) -> Result<DailyBan, DailyBanError> {
        if !(0 <= start_ms_of_day && start_ms_of_day < end_ms_of_day && end_ms_of_day <= MS_PER_DAY) {
            return Err(DailyBanError::BadWindow);
        }
        if utc_offset_ms.abs() > MS_PER_DAY {
            return Err(DailyBanError::BadOffset);
        }
        Ok(DailyBan { in_force_from_ms, utc_offset_ms, start_ms_of_day, end_ms_of_day })
    }

    /// Unix ms of the local midnight starting the local day of `t_ms`.
    fn local_midnight(&self, t_ms: i64) -> i64 {
        (t_ms + self.utc_offset_ms).div_euclid(MS_PER_DAY) * MS_PER_DAY - self.utc_offset_ms
    }
}

impl Default for DailyBan {
    /// [`DailyBan::LINYI_TRUCK_BAN`].
    fn default() -> Self {
        DailyBan::LINYI_TRUCK_BAN
    }
}

impl BanSchedule for DailyBan {
    fn banned_at(&self, t_ms: i64) -> bool {
        let ms_of_day = t_ms - self.local_midnight(t_ms);
        t_ms >= self.in_force_from_ms && (self.start_ms_of_day..self.end_ms_of_day).contains(&ms_of_day)
    }

    fn next_change(&self, t_ms: i64) -> Option<i64> {
        let banned = self.banned_at(t_ms);
        let midnight = self.local_midnight(t_ms.max(self.in_force_from_ms));
        // The state can only change at the in-force instant or at a window
        // edge; the first change is among these (the window recurs daily).
        let edges = (0..3).flat_map(|day| {
            let day_start = midnight + day * MS_PER_DAY;
            [day_start + self.start_ms_of_day, day_start + self.end_ms_of_day]
        });
        std::iter::once(self.in_force_from_ms)
            .chain(edges)
            .filter(|&edge| edge > t_ms && self.banned_at(edge) != banned)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_time_ms;

    fn t(text: &str) -> i64 {
        parse_time_ms(text).unwrap()
    }

    #[test]
    fn linyi_ban_hours() {
        let ban = DailyBan::LINYI_TRUCK_BAN;
        assert_eq!(ban.in_force_from_ms, t("2023-03-01T00:00:00+08:00"));
        for (time, banned) in [
            ("2023-02-28T12:00:00+08:00", false), // before the notice applies
            ("2023-03-01T05:59:59.999+08:00", false),
            ("2023-03-01T06:00:00+08:00", true),
            ("2024-05-01T21:59:59.999+08:00", true),
            ("2024-05-01T22:00:00+08:00", false),
            ("2024-05-01T00:00:00+08:00", false),
            ("2024-05-01T14:00:00Z", false), // 22:00 local
            ("2024-05-01T13:59:59Z", true),
        ] {
            assert_eq!(ban.banned_at(t(time)), banned, "{time}");
        }
    }

    #[test]
    fn next_change_finds_the_window_edges() {
        let ban = DailyBan::LINYI_TRUCK_BAN;
        for (time, next) in [
            ("2020-01-01T12:00:00+08:00", "2023-03-01T06:00:00+08:00"),
            ("2024-05-01T05:59:00+08:00", "2024-05-01T06:00:00+08:00"),
            ("2024-05-01T06:00:00+08:00", "2024-05-01T22:00:00+08:00"),
            ("2024-05-01T12:00:00+08:00", "2024-05-01T22:00:00+08:00"),
            ("2024-05-01T22:00:00+08:00", "2024-05-02T06:00:00+08:00"),
            ("2024-05-01T23:30:00+08:00", "2024-05-02T06:00:00+08:00"),
            ("2024-05-01T16:30:00Z", "2024-05-01T22:00:00Z"), // 00:30 local
        ] {
            assert_eq!(ban.next_change(t(time)), Some(t(next)), "{time}");
        }
    }

    #[test]
    fn whole_day_window_changes_only_when_it_comes_into_force() {
        let always = DailyBan::new(1000, 0, 0, MS_PER_DAY).unwrap();
        assert_eq!(always.next_change(0), Some(1000));
        assert!(always.banned_at(1000));
        assert_eq!(always.next_change(1000), None);
        let noon_start = DailyBan::new(12 * MS_PER_HOUR, 0, 0, 18 * MS_PER_HOUR).unwrap();
        assert!(!noon_start.banned_at(0));
        assert_eq!(noon_start.next_change(0), Some(12 * MS_PER_HOUR));
        assert_eq!(noon_start.next_change(12 * MS_PER_HOUR), Some(18 * MS_PER_HOUR));
    }

    #[test]
    fn rejects_bad_windows() {
        assert_eq!(DailyBan::new(0, 0, 5, 5), Err(DailyBanError::BadWindow));
        assert_eq!(DailyBan::new(0, 0, 0, MS_PER_DAY + 1), Err(DailyBanError::BadWindow));
        assert_eq!(DailyBan::new(0, 2 * MS_PER_DAY, 0, 1), Err(DailyBanError::BadOffset));
    }
}
