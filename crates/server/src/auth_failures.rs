//! Failed sign-ins counted per client address (the limit of
//! [`crate::auth::refuse_bad_token`]).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed authentications per client address: more than [`AuthFailures::MAX`]
/// within [`AuthFailures::WINDOW`] and the client is refused (429) until the
/// window has passed since its last failure. Every failure is logged with the
/// client's address (never the token).
#[derive(Debug, Default)]
pub struct AuthFailures {
    clients: Mutex<HashMap<IpAddr, (u32, Instant)>>,
}

impl AuthFailures {
    /// Failures allowed per client within [`AuthFailures::WINDOW`].
    pub const MAX: u32 = 20;
    /// How long failures are remembered (and a blocked client waits).
    pub const WINDOW: Duration = Duration::from_secs(60);
    /// Clients remembered at most (the oldest are forgotten first).
    const MAX_CLIENTS: usize = 10_000;

    /// How long `client` must still wait, when it failed too often.
    pub fn blocked(&self, client: IpAddr) -> Option<Duration> {
        let clients = self.clients.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (count, last) = clients.get(&client)?;
        let waited = last.elapsed();
        (*count > Self::MAX && waited < Self::WINDOW).then(|| Self::WINDOW - waited)
    }

    /// Counts a failure of `client`; returns its failures in the window.
    pub fn record(&self, client: IpAddr) -> u32 {
        let mut clients = self.clients.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        if clients.len() >= Self::MAX_CLIENTS {
            clients.retain(|_, (_, last)| now.duration_since(*last) < Self::WINDOW);
        }
        if clients.len() >= Self::MAX_CLIENTS
            && let Some(oldest) = clients.iter().min_by_key(|(_, (_, last))| *last).map(|(ip, _)| *ip)
        {
            clients.remove(&oldest);
        }
        let entry = clients.entry(client).or_insert((0, now));
        if now.duration_since(entry.1) >= Self::WINDOW {
            entry.0 = 0;
        }
        *entry = (entry.0 + 1, now);
        entry.0
    }
}
