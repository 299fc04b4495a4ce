//! The PHP binding: classes, exceptions and ini, converting to and from `crate::core`.

mod client;
mod convert;
mod exceptions;

use ext_php_rs::flags::IniEntryPermission;
use ext_php_rs::prelude::*;
use ext_php_rs::zend::{IniEntryDef, IniEntryDefs};

static INI: IniEntryDefs<2> = IniEntryDefs::new([
    IniEntryDef::new(c"mindbox.outbox", c"", IniEntryPermission::All),
    IniEntryDef::end(),
]);

/// MINIT runs in the PHP-FPM master before it forks: nothing here may open a socket, a file or a
/// thread. It only declares classes and ini entries.
fn startup(_ty: i32, module_number: i32) -> i32 {
    IniEntryDef::register(INI.as_slice(), module_number);
    match exceptions::register() {
        Ok(()) => 0,
        Err(_) => 1,
    }
}

#[php_module]
#[php(startup = "startup")]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    module
        .name("mindbox")
        .interface::<client::PhpInterfaceMindboxClientInterface>()
        .class::<client::MindboxClient>()
}
