//! `#[\SensitiveParameter]` on the constructor's config, as PHP's own functions mark passwords:
//! every backtrace (an uncaught exception, `debug_backtrace()`, an error handler, Bitrix's
//! exception log) then shows a `SensitiveParameterValue` instead of the array with the secret key.
//! ext-php-rs cannot declare parameter attributes and registers classes after the extension's
//! MINIT code has run, so the attribute is added from PHP's post-startup hook: every class exists
//! by then, and no request has started.

use super::client::MindboxClient;
use ext_php_rs::class::RegisteredClass;
use ext_php_rs::ffi::{HashTable, zend_function, zend_hash_str_find, zend_string};
use ext_php_rs::types::ZendStr;
use std::ffi::c_void;
use std::sync::OnceLock;

/// Zend/zend_attributes.h: the attribute lives as long as the (internal) function.
const ZEND_ATTRIBUTE_PERSISTENT: u32 = 1;

type PostStartup = unsafe extern "C" fn() -> i32;

unsafe extern "C" {
    /// Zend/zend.h; opcache and others chain it too.
    static mut zend_post_startup_cb: Option<PostStartup>;
    /// Zend/zend_attributes.h; `offset` is the parameter's position plus one.
    fn zend_add_attribute(
        attributes: *mut *mut HashTable,
        name: *mut zend_string,
        argc: u32,
        flags: u32,
        offset: u32,
        lineno: u32,
    ) -> *mut c_void;
}

/// The hook that was there before ours, called first.
static PREVIOUS: OnceLock<Option<PostStartup>> = OnceLock::new();

/// Called from MINIT. A SAPI that starts the module again in the same process keeps the first
/// chaining.
pub fn install() {
    PREVIOUS.get_or_init(|| {
        // SAFETY: MINIT runs on the only thread PHP has at that point.
        unsafe {
            let slot = &raw mut zend_post_startup_cb;
            slot.replace(Some(after_startup))
        }
    });
}

unsafe extern "C" fn after_startup() -> i32 {
    if let Some(previous) = PREVIOUS.get().copied().flatten() {
        // SAFETY: the hook PHP would have called instead of ours, at the same moment.
        let result = unsafe { previous() };
        if result != 0 {
            return result;
        }
    }
    mark_config_sensitive();
    0
}

fn mark_config_sensitive() {
    let ce = MindboxClient::get_metadata().ce();
    let name = c"__construct";
    // SAFETY: startup is single-threaded; the class's function table and its functions are
    // persistent and live until shutdown; the attribute table is created persistent for an
    // internal function, and the name is copied into it (ours is leaked: one string, once).
    unsafe {
        let found = zend_hash_str_find(&ce.function_table, name.as_ptr(), name.count_bytes());
        if found.is_null() {
            return;
        }
        let function = (*found).value.ptr.cast::<zend_function>();
        let attribute = ZendStr::new("SensitiveParameter", true).into_raw();
        zend_add_attribute(
            &raw mut (*function).common.attributes,
            attribute,
            0,
            ZEND_ATTRIBUTE_PERSISTENT,
            1,
            0,
        );
    }
}
