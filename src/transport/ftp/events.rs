//! libunftp's data events into the intake: a completed `STOR` (`Put`) or a rename into `in/`
//! (`Renamed`). Awaited inside libunftp's connection loop, so it only enqueues.

use crate::config::Config;
use crate::intake::{Intake, Via};
use async_trait::async_trait;
use libunftp::notification::{DataEvent, DataListener, EventMeta};
use std::fmt;
use std::sync::Arc;

/// Forwards completed uploads to the intake.
pub struct Uploads {
    config: Arc<Config>,
    intake: Intake,
}

impl Uploads {
    pub(super) fn new(config: Arc<Config>, intake: Intake) -> Self {
        Uploads { config, intake }
    }
}

impl fmt::Debug for Uploads {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Uploads")
    }
}

#[async_trait]
impl DataListener for Uploads {
    async fn receive_data_event(&self, e: DataEvent, m: EventMeta) {
        let vpath = match e {
            DataEvent::Put { path, .. } => path,
            DataEvent::Renamed { to, .. } => to,
            _ => return,
        };
        let Ok(r) = crate::policy::resolve(std::path::Path::new(&vpath)) else {
            return;
        };
        let disk = self.config.partner_home(&m.username).join(&r.rel);
        self.intake.submit(&disk, Via::Ftp);
    }
}
