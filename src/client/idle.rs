//! IDLE (RFC 2177): start, wait for events with a timeout, done.
//!
//! While idling, the only calls allowed are `idle_wait`, `idle_done`,
//! `take_events`, `logout` and the interrupter. IDLE is renewed (DONE, then
//! IDLE again) before 29 minutes, as RFC 2177 asks; the renewal is also the
//! liveness check of a quiet connection: its answer must arrive within the
//! I/O timeout.

use std::time::{Duration, Instant};

use super::core::{route, NoData, Step};
use super::error::{Error, ErrorKind, Result};
use super::types::Event;
use super::{Client, SessionState};

/// Events delivered by `idle_wait`.
pub type IdleEvents = Vec<Event>;

/// Renew IDLE after this long (servers may drop it at 30 minutes).
pub(crate) const RENEW_AFTER: Duration = Duration::from_secs(28 * 60);

/// Socket reads one `idle_wait` makes, without waiting, for data that has
/// already arrived (64 KiB or more each).
const ARRIVED_READS: usize = 16;

#[derive(Debug)]
pub(crate) struct IdleState {
    tag: String,
    started: Instant,
    prev: SessionState,
}

/// `* OK Still here` and friends: keep-alives, not news.
fn is_keepalive(e: &Event) -> bool {
    matches!(e, Event::Status { kind, code: None, .. } if kind == "OK")
}

impl Client {
    /// Send IDLE and wait for the server's `+`. Untagged data that arrives
    /// before the `+` is queued as events.
    pub fn idle_start(&mut self) -> Result<()> {
        self.require("IDLE", "IDLE")?;
        self.require_auth("IDLE")?;
        self.check_usable()?;
        // What did not parse before IDLE is no business of its idle_wait.
        self.st.deferred = None;
        let cmd = self.command("IDLE").finish();
        let tag = cmd.tag.clone();
        let r: Result<Option<Error>> = (|| {
            self.send(&cmd, &mut NoData)?;
            loop {
                let step = self.next(|st, inc| route(st, inc, &tag, &mut NoData, true))?;
                match step {
                    Step::GoOn => return Ok(None),
                    Step::Done(s) => return Ok(Some(Error::from_status("IDLE", &s))),
                    Step::Continue => {}
                    // IDLE refused with a completion too long to keep.
                    Step::Lost(e) => return Err(e),
                    Step::Limit(fe) => {
                        return Err(Error::new(ErrorKind::LimitExceeded, fe.to_string()))
                    }
                }
            }
        })();
        match r {
            Err(e) => Err(self.fail(e)),
            Ok(Some(refused)) => Err(refused),
            Ok(None) => {
                self.idle = Some(IdleState {
                    tag,
                    started: Instant::now(),
                    prev: self.st.session,
                });
                self.st.session = SessionState::Idle;
                Ok(())
            }
        }
    }

    /// Wait up to `timeout` for events; returns as soon as some arrived
    /// (with everything already buffered), or empty when the time is up.
    ///
    /// Whatever has arrived is taken in first without waiting, so a
    /// `timeout` of zero reads what the socket holds and returns at once.
    /// When it returns, no data is left inside TLS or the decompressor:
    /// poll on `raw_fd` then tells whether there is more. A `timeout` too
    /// large to add to the clock (`Duration::MAX`) waits without end,
    /// renewing IDLE when due.
    pub fn idle_wait(&mut self, timeout: Duration) -> Result<IdleEvents> {
        self.forget_broken_idle();
        if self.idle.is_none() {
            // After a fatal error (an IDLE that failed to start, say) the
            // refusal is fatal too, as every call on a broken client.
            self.check_usable()?;
            return Err(Error::state("idle_wait: IDLE is not running"));
        }
        let deadline = Instant::now().checked_add(timeout);
        // A fatal error (the event queue overflowed, say) breaks the
        // client, whichever step met it.
        let r = self.idle_wait_inner(deadline).map_err(|e| self.fail(e));
        self.restore_io_timeout();
        match (r, self.st.deferred.take()) {
            // A response that did not parse (or a set too large to expand)
            // arrived: say so, not fatally (IDLE goes on); the events taken
            // with it wait for the next call.
            (Ok(events), Some(e)) => {
                self.st.put_back(events);
                Err(e)
            }
            (r, _) => r,
        }
    }

    /// An IDLE whose connection an error broke is over: forget it, so the
    /// next idle call gets the fatal ILLEGAL_STATE refusal of a broken
    /// client instead of trying the dead connection again.
    fn forget_broken_idle(&mut self) {
        if self.broken.is_some() || self.stream.is_none() {
            self.idle = None;
        }
    }

    fn idle_wait_inner(&mut self, deadline: Option<Instant>) -> Result<IdleEvents> {
        let renew = self.st.idle_renew;
        loop {
            if self
                .idle
                .as_ref()
                .is_some_and(|i| i.started.elapsed() >= renew)
            {
                log::debug!(target: "imapclient::client", "renewing IDLE");
                // DONE's OK and the new IDLE's "+" get the I/O timeout,
                // not what was left of the last wait (as little as 1 ms:
                // a server slower than that made the renewal a fatal
                // timeout).
                self.restore_io_timeout();
                // idle_done drains the queue: put what arrived during the
                // renewal back in front, or an EXISTS that raced the DONE
                // would be lost.
                let pending = self.idle_done()?;
                self.idle_start()?;
                self.st.put_back(pending);
                if let Some(e) = self.st.abort.take() {
                    return Err(e);
                }
            }
            self.take_in_arrived()?;
            self.st.events.retain(|e| !is_keepalive(e));
            if !self.st.events.is_empty() {
                return Ok(self.take_events());
            }
            if self.st.bye.is_some() {
                let t = self.st.bye.clone().unwrap_or_default();
                return Err(self.fail(Error::new(
                    ErrorKind::Bye,
                    format!("the server ended IDLE: BYE {t}"),
                )));
            }
            let now = Instant::now();
            if deadline.is_some_and(|d| now >= d) {
                return Ok(Vec::new());
            }
            let renew_in = self
                .idle
                .as_ref()
                .map(|i| renew.saturating_sub(i.started.elapsed()))
                .unwrap_or(renew);
            let left = deadline.map_or(renew_in, |d| d - now);
            let wait = left.min(renew_in).max(Duration::from_millis(1));
            if let Some(s) = self.stream.as_ref() {
                s.set_read_timeout(Some(wait)).map_err(Error::from)?;
            }
            match self.fill() {
                Ok(()) => {}
                // The wait ran out: not an error while idling; the framer
                // keeps any partial response for the next call.
                Err(e) if e.kind == ErrorKind::Timeout => {}
                Err(e) => return Err(self.fail(e)),
            }
        }
    }

    /// Take in what has arrived, without waiting: the complete responses
    /// buffered, all the data held inside TLS or the decompressor (poll on
    /// the socket cannot see it, so leaving it there would leave a caller
    /// who polls waiting for news already here), and what the socket holds
    /// (at most `ARRIVED_READS` reads: a server that never stops sending
    /// must not keep the call from returning). A failing read after events
    /// arrived is left for the next call, so the events are not lost.
    fn take_in_arrived(&mut self) -> Result<()> {
        let mut socket_reads = 0;
        loop {
            while let Some(step) =
                self.next_opt(false, |st, inc| route(st, inc, "", &mut NoData, false))?
            {
                if let Step::Limit(fe) = step {
                    return Err(self.fail(Error::new(ErrorKind::LimitExceeded, fe.to_string())));
                }
            }
            let Some(s) = self.stream.as_mut() else {
                return Ok(());
            };
            if !s.holds_data() {
                if socket_reads == ARRIVED_READS || !s.socket_readable() {
                    return Ok(());
                }
                socket_reads += 1;
            }
            s.set_nonblocking(true).map_err(Error::from)?;
            let r = self.fill();
            if let Some(s) = self.stream.as_mut() {
                s.set_nonblocking(false).map_err(Error::from)?;
            }
            match r {
                Ok(()) => {}
                // Only part of a TLS record or deflate block was here.
                Err(e) if e.kind == ErrorKind::Timeout => return Ok(()),
                Err(_) if self.st.events.iter().any(|e| !is_keepalive(e)) => return Ok(()),
                Err(e) => return Err(self.fail(e)),
            }
        }
    }

    /// End IDLE (DONE) and wait for its completion. Returns the events
    /// that arrived meanwhile (and any not yet drained).
    pub fn idle_done(&mut self) -> Result<IdleEvents> {
        self.forget_broken_idle();
        let Some(state) = self.idle.take() else {
            // As idle_wait: fatal on a client an earlier error broke.
            self.check_usable()?;
            return Err(Error::state("idle_done: IDLE is not running"));
        };
        self.st.session = state.prev;
        self.send_line(b"DONE\r\n", false)?;
        let tag = state.tag;
        let r: Result<()> = (|| loop {
            let step = self.next(|st, inc| route(st, inc, &tag, &mut NoData, false))?;
            match step {
                Step::Done(s) => {
                    return match s.kind {
                        crate::proto::types::StatusKind::Ok => Ok(()),
                        _ => Err(Error::from_status("IDLE", &s)),
                    }
                }
                Step::Lost(e) => return Err(e),
                Step::Limit(fe) => {
                    return Err(Error::new(ErrorKind::LimitExceeded, fe.to_string()))
                }
                _ => {}
            }
        })();
        match r {
            Ok(()) => {}
            Err(e) if !e.is_fatal() => return Err(e),
            Err(e) => return Err(self.fail(e)),
        }
        self.st.events.retain(|e| !is_keepalive(e));
        if let Some(e) = self.st.deferred.take() {
            // IDLE ended, but a response that did not parse came with it:
            // say so (not fatal); the events stay queued (take_events).
            return Err(e);
        }
        Ok(self.take_events())
    }

    /// True while IDLE runs.
    pub fn is_idle(&self) -> bool {
        self.idle.is_some()
    }
}
