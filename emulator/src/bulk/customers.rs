//! `DirectCrm.Customers.Import`: a row is one customer, upserted by its ids (by its e-mail, else
//! its phone, when it has none). An empty cell leaves the field as it was.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::columns::CustomerColumn;
use super::dates::{self, DateFormat};
use super::values;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    pub ids: BTreeMap<String, String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub middle_name: Option<String>,
    /// Digits only.
    pub mobile_phone: Option<String>,
    pub email: Option<String>,
    /// `yyyy-MM-dd`.
    pub birth_date: Option<String>,
    /// `yyyy-MM-dd HH:mm:ss`.
    pub source_date_time_utc: Option<String>,
    pub source_point_of_contact: Option<String>,
    pub is_subscribed: Option<bool>,
    /// By system name, without the `CustomField` prefix.
    pub custom_fields: BTreeMap<String, String>,
}

/// A row read as a customer, or why it is rejected (naming the column).
pub fn row(
    columns: &[CustomerColumn],
    names: &[String],
    cells: &[&str],
    formats: &[DateFormat],
) -> Result<Customer, String> {
    let mut c = Customer::default();
    for ((column, name), cell) in columns.iter().zip(names).zip(cells) {
        if cell.is_empty() {
            continue;
        }
        let text = || Some((*cell).to_owned());
        let checked = |r: Result<String, String>| r.map(Some).map_err(|e| format!("{name}: {e}"));
        let date = || dates::parse(formats, cell).map_err(|e| format!("{name}: {e}"));
        use CustomerColumn::*;
        match column {
            Id(system) => {
                c.ids.insert(system.clone(), (*cell).to_owned());
            }
            FirstName => c.first_name = text(),
            LastName => c.last_name = text(),
            MiddleName => c.middle_name = text(),
            MobilePhone => c.mobile_phone = checked(values::phone(cell))?,
            Email => c.email = checked(values::email(cell))?,
            BirthDate => c.birth_date = Some(date()?.date()),
            SourceDateTimeUtc => c.source_date_time_utc = Some(date()?.to_string()),
            SourcePointOfContact => c.source_point_of_contact = text(),
            IsSubscribed => {
                c.is_subscribed = Some(values::boolean(cell).map_err(|e| format!("{name}: {e}"))?)
            }
            CustomField(system) => {
                c.custom_fields.insert(system.clone(), (*cell).to_owned());
            }
        }
    }
    if c.ids.is_empty() && c.email.is_none() && c.mobile_phone.is_none() {
        return Err("no identifier: the row has no id, Email or MobilePhone".into());
    }
    Ok(c)
}

impl Customer {
    fn merge(&mut self, row: Customer) {
        fn keep<T>(field: &mut Option<T>, new: Option<T>) {
            if new.is_some() {
                *field = new;
            }
        }
        self.ids.extend(row.ids);
        keep(&mut self.first_name, row.first_name);
        keep(&mut self.last_name, row.last_name);
        keep(&mut self.middle_name, row.middle_name);
        keep(&mut self.mobile_phone, row.mobile_phone);
        keep(&mut self.email, row.email);
        keep(&mut self.birth_date, row.birth_date);
        keep(&mut self.source_date_time_utc, row.source_date_time_utc);
        keep(
            &mut self.source_point_of_contact,
            row.source_point_of_contact,
        );
        keep(&mut self.is_subscribed, row.is_subscribed);
        self.custom_fields.extend(row.custom_fields);
    }

    /// What finds this customer again: its ids, its e-mail and its phone.
    fn keys(&self) -> Vec<String> {
        let ids = self.ids.iter().map(|(n, v)| format!("id\0{n}\0{v}"));
        let email = self.email.iter().map(|e| format!("email\0{e}"));
        let phone = self.mobile_phone.iter().map(|p| format!("phone\0{p}"));
        ids.chain(email).chain(phone).collect()
    }
}

/// The customers imported so far, in the order they were first seen.
#[derive(Debug, Default)]
pub struct Customers {
    list: Vec<Customer>,
    index: HashMap<String, usize>,
}

impl Customers {
    /// Applies an import's accepted rows in order.
    pub fn import(&mut self, rows: Vec<Customer>) {
        for row in rows {
            self.upsert(row);
        }
    }

    fn upsert(&mut self, row: Customer) {
        let keys = row.keys();
        // A row with ids is that customer; without, its e-mail or phone says who it is.
        let lookup = if row.ids.is_empty() {
            &keys[..]
        } else {
            &keys[..row.ids.len()]
        };
        let found = lookup.iter().find_map(|k| self.index.get(k).copied());
        let at = match found {
            Some(at) => {
                let old = self.list[at].keys();
                self.list[at].merge(row);
                let new = self.list[at].keys();
                for stale in old.iter().filter(|k| !new.contains(k)) {
                    self.index.remove(stale);
                }
                at
            }
            None => {
                self.list.push(row);
                self.list.len() - 1
            }
        };
        for key in self.list[at].keys() {
            self.index.insert(key, at);
        }
    }

    pub fn list(&self) -> &[Customer] {
        &self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::columns;
    use crate::bulk::dates::default_formats;

    fn read(header: &[&str], cells: &[&str]) -> Result<Customer, String> {
        let ids = vec!["websiteID".to_owned(), "externalId".to_owned()];
        let columns = columns::customers(header, &ids).unwrap();
        let names: Vec<String> = header.iter().map(|s| s.to_string()).collect();
        row(&columns, &names, cells, &default_formats())
    }

    const HEADER: [&str; 6] = [
        "websiteID",
        "Email",
        "MobilePhone",
        "BirthDate",
        "IsSubscribed",
        "CustomFieldVip",
    ];

    #[test]
    fn a_row_is_checked_and_read() {
        let c = read(
            &HEADER,
            &[
                "42",
                "a@b.ru",
                "+7 900 123-45-67",
                "1990-05-01",
                "true",
                "y",
            ],
        )
        .unwrap();
        assert_eq!(c.ids["websiteID"], "42");
        assert_eq!(c.mobile_phone.as_deref(), Some("79001234567"));
        assert_eq!(c.birth_date.as_deref(), Some("1990-05-01"));
        assert_eq!(c.is_subscribed, Some(true));
        assert_eq!(c.custom_fields["Vip"], "y");
        assert!(read(&HEADER, &["", "a@b.ru", "", "", "", ""]).is_ok());
        assert!(read(&HEADER, &["", "", "79001234567", "", "", ""]).is_ok());
        for (cells, named) in [
            (["", "", "", "1990-05-01", "", ""], "no identifier"),
            (["1", "a@", "", "", "", ""], "Email: 'a@'"),
            (["1", "", "12", "", "", ""], "MobilePhone: '12'"),
            (
                ["1", "", "", "01.05.1990", "", ""],
                "BirthDate: '01.05.1990'",
            ),
            (["1", "", "", "", "yes", ""], "IsSubscribed: 'yes'"),
        ] {
            let error = read(&HEADER, &cells).unwrap_err();
            assert!(error.contains(named), "{cells:?}: {error}");
        }
    }

    #[test]
    fn customers_are_upserted_by_id_then_by_email_or_phone() {
        let mut store = Customers::default();
        let row = |cells: [&str; 6]| read(&HEADER, &cells).unwrap();
        store.import(vec![
            row(["1", "old@b.ru", "", "", "false", ""]),
            row(["2", "two@b.ru", "", "", "", ""]),
            row(["1", "new@b.ru", "79001234567", "", "", ""]),
            row(["", "", "79001234567", "", "true", "gold"]),
            row(["", "old@b.ru", "", "", "", ""]),
        ]);
        let list = store.list();
        assert_eq!(list.len(), 3, "{list:?}");
        assert_eq!(list[0].email.as_deref(), Some("new@b.ru"));
        assert_eq!(list[0].is_subscribed, Some(true));
        assert_eq!(list[0].custom_fields["Vip"], "gold");
        // The old address no longer finds customer 1: it made a customer of its own.
        assert!(list[2].ids.is_empty());
        assert_eq!(list[2].email.as_deref(), Some("old@b.ru"));
        // Importing the same rows again changes nothing.
        let before = list.to_vec();
        store.import(vec![row(["2", "two@b.ru", "", "", "", ""])]);
        assert_eq!(store.list(), &before[..]);
    }
}
