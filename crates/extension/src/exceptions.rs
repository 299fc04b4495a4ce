//! The exception classes, registered as plain subclasses of `\RuntimeException`.
//!
//! A `#[php_class]` exception would replace `\Exception`'s object constructor, losing
//! `getFile()`, `getLine()` and the trace, and could not be created with `new` from PHP. These
//! classes keep the engine's own constructor; the extra data lives in protected properties read
//! by small getters (ARCHITECTURE.md, "Errors", has the classes and what each carries).

use ext_php_rs::args::ArgInfoTables;
use ext_php_rs::builders::{ClassBuilder, ClassProperty, FunctionBuilder};
use ext_php_rs::convert::IntoZval;
use ext_php_rs::exception::PhpException;
use ext_php_rs::flags::{DataType, MethodFlags, PropertyFlags};
use ext_php_rs::types::{ZendHashTable, ZendObject, Zval};
use ext_php_rs::zend::{ClassEntry, ExecuteData, ExecutorGlobals};
use mindbox_core::Error;
use std::sync::atomic::{AtomicPtr, Ordering};

#[derive(Clone, Copy)]
enum Kind {
    Base = 0,
    Validation = 1,
    Protocol = 2,
    Unavailable = 3,
    InvalidArgument = 4,
    Outbox = 5,
}

const NAMES: [&str; 6] = [
    "MindboxException",
    "MindboxValidationException",
    "MindboxProtocolException",
    "MindboxUnavailableException",
    "MindboxInvalidArgumentException",
    "MindboxOutboxException",
];

static CLASSES: [AtomicPtr<ClassEntry>; 6] = [const { AtomicPtr::new(std::ptr::null_mut()) }; 6];

fn store<const K: usize>(ce: &'static mut ClassEntry, _: ArgInfoTables) {
    CLASSES[K].store(ce, Ordering::Release);
}

fn class(kind: Kind) -> &'static ClassEntry {
    let ptr = CLASSES[kind as usize].load(Ordering::Acquire);
    // SAFETY: set once in MINIT to an entry the engine keeps until shutdown.
    unsafe { ptr.as_ref() }.unwrap_or_else(ext_php_rs::zend::ce::exception)
}

fn base() -> &'static ClassEntry {
    class(Kind::Base)
}

/// SPL's class entries are not exported by ext-php-rs, and at MINIT only the compiler's class
/// table is populated.
fn runtime_exception() -> &'static ClassEntry {
    // SAFETY: the compiler globals exist from engine start-up on.
    let table = unsafe { (*ext_php_rs::ffi::ext_php_rs_compiler_globals()).class_table };
    let name = "runtimeexception";
    // SAFETY: the compiler's class table is live during MINIT; the lookup copies the name.
    let found = unsafe {
        ext_php_rs::ffi::zend_hash_str_find_ptr_lc(table, name.as_ptr().cast(), name.len())
    };
    unsafe { (found as *const ClassEntry).as_ref() }.unwrap_or_else(ext_php_rs::zend::ce::exception)
}

macro_rules! getter {
    ($fn_name:ident, $prop:literal, $empty:expr) => {
        extern "C" fn $fn_name(ex: &mut ExecuteData, retval: &mut Zval) {
            let value = ex
                .get_self()
                .and_then(|this| this.get_property::<&Zval>($prop).ok())
                .filter(|v| !v.is_null())
                .map(Zval::shallow_clone);
            *retval = value.unwrap_or_else($empty);
        }
    };
}

getter!(get_http_status, "httpStatus", || zval(0i64));
getter!(get_error_id, "errorId", Zval::new);
getter!(get_retry_after, "retryAfter", Zval::new);
getter!(get_validation_messages, "validationMessages", || zval(
    ZendHashTable::new()
));
getter!(get_path, "path", Zval::new);

fn zval(v: impl IntoZval) -> Zval {
    v.into_zval(false).unwrap_or_default()
}

fn property(name: &str, default_zero: bool) -> ClassProperty {
    ClassProperty {
        name: name.to_string(),
        flags: PropertyFlags::Protected,
        default: default_zero.then(|| {
            Box::new(|| 0i64.into_zval(true))
                as Box<dyn FnOnce() -> ext_php_rs::error::Result<Zval>>
        }),
        docs: &[],
        ty: None,
        nullable: !default_zero,
        readonly: false,
        default_stub: None,
    }
}

fn method(
    name: &str,
    handler: extern "C" fn(&mut ExecuteData, &mut Zval),
    ty: DataType,
    nullable: bool,
) -> FunctionBuilder<'static> {
    FunctionBuilder::new(name, handler).returns(ty, false, nullable)
}

/// Registers the classes; must run in MINIT.
pub fn register() -> ext_php_rs::error::Result<()> {
    ClassBuilder::new(NAMES[0])
        .extends((runtime_exception, "\\RuntimeException"))
        .registration(store::<0>)
        .register()?;
    ClassBuilder::new(NAMES[1])
        .extends((base, "\\MindboxException"))
        .property(property("validationMessages", false))
        .method(
            method(
                "getValidationMessages",
                get_validation_messages,
                DataType::Array,
                false,
            ),
            MethodFlags::Public,
        )
        .registration(store::<1>)
        .register()?;
    ClassBuilder::new(NAMES[2])
        .extends((base, "\\MindboxException"))
        .property(property("httpStatus", true))
        .property(property("errorId", false))
        .property(property("retryAfter", false))
        .method(
            method("getHttpStatus", get_http_status, DataType::Long, false),
            MethodFlags::Public,
        )
        .method(
            method("getErrorId", get_error_id, DataType::String, true),
            MethodFlags::Public,
        )
        .method(
            method("getRetryAfter", get_retry_after, DataType::Long, true),
            MethodFlags::Public,
        )
        .registration(store::<2>)
        .register()?;
    ClassBuilder::new(NAMES[3])
        .extends((base, "\\MindboxException"))
        .property(property("httpStatus", true))
        .method(
            method("getHttpStatus", get_http_status, DataType::Long, false),
            MethodFlags::Public,
        )
        .registration(store::<3>)
        .register()?;
    for (kind, store_fn) in [
        (
            Kind::InvalidArgument,
            store::<4> as fn(&'static mut ClassEntry, ArgInfoTables),
        ),
        (Kind::Outbox, store::<5>),
    ] {
        ClassBuilder::new(NAMES[kind as usize])
            .extends((base, "\\MindboxException"))
            .property(property("path", false))
            .method(
                method("getPath", get_path, DataType::String, true),
                MethodFlags::Public,
            )
            .registration(store_fn)
            .register()?;
    }
    Ok(())
}

/// The exception for a core error, created the way `new` in PHP would create it, so that its file,
/// line and trace point at the PHP code that called the extension.
pub fn to_php(error: Error) -> PhpException {
    let message = error.to_string();
    let (kind, props): (Kind, Vec<(&str, Zval)>) = match error {
        Error::InvalidArgument { path, .. } => (Kind::InvalidArgument, vec![("path", zval(path))]),
        Error::Outbox { path, .. } => (Kind::Outbox, vec![("path", zval(path))]),
        // The feed's file: no class of its own; the message names the file and the OS error.
        Error::Feed { .. } => (Kind::Base, vec![]),
        // A bulk import's CSV part, likewise; the unsealed part stays for the next writer to replace.
        Error::Csv { .. } => (Kind::Base, vec![]),
        Error::Validation { messages } => {
            let mut list = ZendHashTable::new();
            for m in messages {
                let mut entry = ZendHashTable::new();
                let _ = entry.insert("message", m.message);
                let _ = entry.insert("location", m.location);
                let _ = list.push(entry);
            }
            (Kind::Validation, vec![("validationMessages", zval(list))])
        }
        Error::Protocol {
            http_status,
            error_id,
            retry_after,
            ..
        } => (
            Kind::Protocol,
            vec![
                ("httpStatus", zval(i64::from(http_status))),
                ("errorId", zval(error_id)),
                ("retryAfter", zval(retry_after.map(|s| s as i64))),
            ],
        ),
        Error::Unavailable { http_status, .. } => (
            Kind::Unavailable,
            vec![("httpStatus", zval(i64::from(http_status)))],
        ),
    };
    let ce = class(kind);
    match build(ce, &message, props) {
        Some(object) => PhpException::new(message, 0, ce).with_object(object),
        None => PhpException::new(message, 0, ce),
    }
}

fn build(ce: &'static ClassEntry, message: &str, props: Vec<(&str, Zval)>) -> Option<Zval> {
    let mut object = ZendObject::new(ce);
    object
        .try_call_method("__construct", vec![&message.to_string()])
        .ok()?;
    // The properties are protected: write them as the class itself would.
    let previous = {
        let mut eg = ExecutorGlobals::get_mut();
        std::mem::replace(&mut eg.fake_scope, std::ptr::from_ref(ce).cast_mut())
    };
    for (name, value) in props {
        let _ = object.set_property(name, value);
    }
    ExecutorGlobals::get_mut().fake_scope = previous;
    object.into_zval(false).ok()
}
