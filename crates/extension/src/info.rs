//! The extension's section of `phpinfo()` (and `php -i`, `php --ri mindbox`). Without a section
//! of its own PHP prints the extension's ini entries itself, raw, and `mindbox.outbox` may be a
//! `mysql://` address with its password: here every value goes through `Location::masked`.

use super::INI;
use ext_php_rs::ffi::{
    php_info_print_table_end, php_info_print_table_header, php_info_print_table_row,
    php_info_print_table_start, zend_hash_str_find, zend_ini_entry, zend_string,
};
use ext_php_rs::zend::{ExecutorGlobals, ModuleEntry};
use mindbox_core::Location;
use std::ffi::{CStr, CString};

pub extern "C" fn info(_module: *mut ModuleEntry) {
    let version = cell(env!("CARGO_PKG_VERSION"));
    // SAFETY: PHP calls this on the thread of the request that prints phpinfo(); each print
    // function gets as many C strings as its count says, all alive until it returns (it copies
    // or escapes them into the output).
    unsafe {
        php_info_print_table_start();
        php_info_print_table_row(2, c"mindbox support".as_ptr(), c"enabled".as_ptr());
        php_info_print_table_row(2, c"Version".as_ptr(), version.as_ptr());
        php_info_print_table_end();
        php_info_print_table_start();
        php_info_print_table_header(
            3,
            c"Directive".as_ptr(),
            c"Local Value".as_ptr(),
            c"Master Value".as_ptr(),
        );
        for def in INI.as_slice().iter().take_while(|d| !d.name.is_null()) {
            let name = CStr::from_ptr(def.name);
            let (local, master) = values(name);
            let (local, master) = (shown(local), shown(master));
            php_info_print_table_row(3, name.as_ptr(), local.as_ptr(), master.as_ptr());
        }
        php_info_print_table_end();
    }
}

/// The entry's value in this request (`ini_set`, a pool's `php_value`) and in php.ini, as
/// `display_ini_entries()` reads them.
fn values(name: &CStr) -> (Option<String>, Option<String>) {
    let table = ExecutorGlobals::get().ini_directives;
    if table.is_null() {
        return (None, None);
    }
    // SAFETY: EG(ini_directives) holds a `zend_ini_entry *` per registered name, owned by the
    // engine for the life of the process; its strings are only read here.
    unsafe {
        let found = zend_hash_str_find(table, name.as_ptr(), name.count_bytes());
        let Some(entry) = found
            .as_ref()
            .and_then(|zv| zv.value.ptr.cast::<zend_ini_entry>().as_ref())
        else {
            return (None, None);
        };
        let local = text(entry.value);
        let master = if entry.modified != 0 {
            text(entry.orig_value)
        } else {
            local.clone()
        };
        (local, master)
    }
}

/// # Safety
/// `s` is null or a live zend_string.
unsafe fn text(s: *mut zend_string) -> Option<String> {
    // SAFETY: see the function's contract.
    unsafe { s.as_ref() }.map(|z| String::from_utf8_lossy(z.as_bytes()).into_owned())
}

fn shown(value: Option<String>) -> CString {
    match value.filter(|v| !v.is_empty()) {
        Some(v) => cell(&Location::masked(&v)),
        None => c"no value".to_owned(),
    }
}

/// A NUL byte cannot be printed by a C function: it is left out rather than cut the text short.
fn cell(text: &str) -> CString {
    CString::new(text.replace('\0', "")).unwrap_or_default()
}
