//! `mindbox.so`: the PHP binding of `mindbox_core`. Classes, exceptions and ini, converting to and
//! from the core, which makes every decision and knows nothing of PHP.

mod bulk;
mod client;
mod convert;
mod exceptions;
mod feed;
mod info;
mod progress;
mod sensitive;

use ext_php_rs::flags::IniEntryPermission;
use ext_php_rs::prelude::*;
use ext_php_rs::zend::{IniEntryDef, IniEntryDefs};
use std::time::Duration;

/// Both are the server administrator's (php.ini, an FPM pool's `php_admin_value`), not a site's
/// (`.user.ini`, `ini_set()`): on a shared host one site must not point the server-wide outbox,
/// with the password it may hold, at another's, nor change who delivers.
static INI: IniEntryDefs<3> = IniEntryDefs::new([
    IniEntryDef::new(c"mindbox.outbox", c"", IniEntryPermission::System),
    // Who delivers: "inline" (threads of the processes that send) or "external" (the daemon).
    IniEntryDef::new(c"mindbox.delivery", c"inline", IniEntryPermission::System),
    IniEntryDef::end(),
]);

/// MINIT runs in the PHP-FPM master before it forks: nothing here may open a socket, a file or a
/// thread. It only declares classes and ini entries.
fn startup(_ty: i32, module_number: i32) -> i32 {
    IniEntryDef::register(INI.as_slice(), module_number);
    keep_loaded();
    sensitive::install();
    match exceptions::register() {
        Ok(()) => 0,
        Err(_) => 1,
    }
}

/// Delivery threads may still be in a request when PHP shuts down; they get a moment to finish,
/// and what they leave is taken over by another process after the lease.
extern "C" fn shutdown(_ty: i32, _module_number: i32) -> i32 {
    mindbox_core::stop_delivery(Duration::from_millis(500));
    0
}

/// PHP unloads extensions at shutdown. A delivery thread that outlives the wait above must not
/// find its code unmapped, so the library is pinned in memory for the life of the process.
fn keep_loaded() {
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    let here = keep_loaded as *const libc::c_void;
    // SAFETY: dladdr only reads the loader's tables; the returned name is a C string owned by
    // the loader, passed straight back to dlopen, which only bumps this library's flags.
    unsafe {
        if libc::dladdr(here, &mut info) != 0 && !info.dli_fname.is_null() {
            libc::dlopen(
                info.dli_fname,
                libc::RTLD_NOW | libc::RTLD_NOLOAD | libc::RTLD_NODELETE,
            );
        }
    }
}

#[cfg(feature = "test-hooks")]
#[php_function]
pub fn mindbox_test_panic() {
    panic!("a deliberate panic from mindbox_test_panic()");
}

#[php_module]
#[php(startup = "startup")]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    #[cfg(feature = "test-hooks")]
    let module = module.function(wrap_function!(mindbox_test_panic));
    module
        .name("mindbox")
        .shutdown_function(shutdown)
        .info_function(info::info)
        .interface::<client::PhpInterfaceMindboxClientInterface>()
        .class::<client::MindboxClient>()
        .class::<feed::MindboxFeedWriter>()
        .class::<bulk::MindboxCsvWriter>()
        .class::<progress::MindboxProgress>()
}
