//! `MindboxProgress`: a long CLI job's progress on stderr (`mindbox_core::Progress`), for PHP.

use super::client::constructed_already;
use super::exceptions::to_php;
use ext_php_rs::flags::ClassFlags;
use ext_php_rs::prelude::*;
use mindbox_core::{Error, Progress};

#[php_class]
#[php(name = "MindboxProgress")]
#[php(flags = ClassFlags::Final)]
pub struct MindboxProgress {
    progress: Progress,
}

#[php_impl]
impl MindboxProgress {
    pub fn __construct(total: i64, label: String) -> PhpResult<Self> {
        if constructed_already::<MindboxProgress>() {
            return Err(to_php(Error::invalid(
                "total",
                "this MindboxProgress is already constructed; create a new one for another job",
            )));
        }
        let progress = Progress::new(total, &label).map_err(to_php)?;
        Ok(MindboxProgress { progress })
    }

    #[php(defaults(n = 1))]
    pub fn advance(&mut self, n: i64) -> PhpResult<()> {
        self.progress.advance(n).map_err(to_php)
    }

    pub fn set(&mut self, done: i64) -> PhpResult<()> {
        self.progress.set(done).map_err(to_php)
    }

    pub fn finish(&mut self, message: Option<String>) -> PhpResult<()> {
        self.progress.finish(message.as_deref()).map_err(to_php)
    }
}
