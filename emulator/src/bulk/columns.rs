//! The columns each import takes, read from the file's header row. Names are compared exactly
//! (case included): Mindbox's own documentation spells one system `Websiteid` and `WebsiteID`,
//! so a client that writes the project's names as configured is the only safe one.

use super::config::is_system_name;

#[derive(Debug, Clone, PartialEq)]
pub enum CustomerColumn {
    /// A column named after one of the project's customer identifier systems.
    Id(String),
    FirstName,
    LastName,
    MiddleName,
    MobilePhone,
    Email,
    BirthDate,
    SourceDateTimeUtc,
    SourcePointOfContact,
    IsSubscribed,
    /// `CustomField<SystemName>`.
    CustomField(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum OrderColumn {
    /// `OrderIds<system>`.
    OrderId(String),
    /// `CustomerIds<system>`, a configured customer system.
    CustomerId(String),
    CustomerEmail,
    CustomerMobilePhone,
    CreatedAt,
    UpdatedAt,
    PointOfContact,
    TotalPrice,
    DeliveryCost,
    /// `OrderLineProductIds<system>`.
    ProductId(String),
    Quantity,
    PriceOfLine,
    Status,
    LineId,
}

const CUSTOMER_FIELDS: &str = "FirstName, LastName, MiddleName, MobilePhone, Email, BirthDate, \
SourceDateTimeUtc, SourcePointOfContact, IsSubscribed, CustomField<name>";

const ORDER_FIELDS: &str = "OrderIds<name>, CustomerIds<customer system>, CustomerEmail, \
CustomerMobilePhone, OrderCreationDateTimeUtc, OrderLastUpdateDateTimeUtc, PointOfContact, \
OrderTotalPrice, OrderDeliveryCost, OrderLineProductIds<name>, OrderLineQuantity, \
OrderLinePriceOfLine, OrderLineStatus, OrderLineId";

pub fn customers(header: &[&str], id_names: &[String]) -> Result<Vec<CustomerColumn>, String> {
    let accepted = format!("{}, {CUSTOMER_FIELDS}", id_names.join(", "));
    columns(header, &accepted, |name| {
        use CustomerColumn::*;
        Some(match name {
            "FirstName" => FirstName,
            "LastName" => LastName,
            "MiddleName" => MiddleName,
            "MobilePhone" => MobilePhone,
            "Email" => Email,
            "BirthDate" => BirthDate,
            "SourceDateTimeUtc" => SourceDateTimeUtc,
            "SourcePointOfContact" => SourcePointOfContact,
            "IsSubscribed" => IsSubscribed,
            _ if id_names.iter().any(|n| n == name) => Id(name.to_owned()),
            _ => CustomField(system(name, "CustomField")?),
        })
    })
}

pub fn orders(header: &[&str], id_names: &[String]) -> Result<Vec<OrderColumn>, String> {
    let accepted = format!("{ORDER_FIELDS}; customer systems: {}", id_names.join(", "));
    columns(header, &accepted, |name| {
        use OrderColumn::*;
        Some(match name {
            "CustomerEmail" => CustomerEmail,
            "CustomerMobilePhone" => CustomerMobilePhone,
            "OrderCreationDateTimeUtc" => CreatedAt,
            "OrderLastUpdateDateTimeUtc" => UpdatedAt,
            "PointOfContact" => PointOfContact,
            "OrderTotalPrice" => TotalPrice,
            "OrderDeliveryCost" => DeliveryCost,
            "OrderLineQuantity" => Quantity,
            "OrderLinePriceOfLine" => PriceOfLine,
            "OrderLineStatus" => Status,
            "OrderLineId" => LineId,
            _ if name.starts_with("OrderLineProductIds") => {
                ProductId(system(name, "OrderLineProductIds")?)
            }
            _ if name.starts_with("OrderIds") => OrderId(system(name, "OrderIds")?),
            _ => {
                let id = system(name, "CustomerIds")?;
                CustomerId(id_names.contains(&id).then_some(id)?)
            }
        })
    })
}

/// The system name after `prefix`, when it is one.
fn system(name: &str, prefix: &str) -> Option<String> {
    name.strip_prefix(prefix)
        .filter(|s| is_system_name(s))
        .map(str::to_owned)
}

fn columns<C>(
    header: &[&str],
    accepted: &str,
    column: impl Fn(&str) -> Option<C>,
) -> Result<Vec<C>, String> {
    header
        .iter()
        .enumerate()
        .map(|(i, name)| {
            if name.is_empty() {
                Err(format!("the header's column {} has no name", i + 1))
            } else if header[..i].contains(name) {
                Err(format!("the header names column '{name}' twice"))
            } else {
                column(name).ok_or_else(|| {
                    format!("unknown column '{name}' (names are exact; accepted: {accepted})")
                })
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn customer_columns_are_the_projects() {
        let ids = names(&["websiteID", "externalId"]);
        let columns = customers(
            &[
                "websiteID",
                "Email",
                "IsSubscribed",
                "CustomFieldVip",
                "externalId",
            ],
            &ids,
        )
        .unwrap();
        assert_eq!(
            columns,
            [
                CustomerColumn::Id("websiteID".into()),
                CustomerColumn::Email,
                CustomerColumn::IsSubscribed,
                CustomerColumn::CustomField("Vip".into()),
                CustomerColumn::Id("externalId".into()),
            ]
        );
        for (bad, named) in [
            (vec!["WebsiteID"], "unknown column 'WebsiteID'"),
            (vec!["email"], "unknown column 'email'"),
            (vec!["CustomField"], "unknown column 'CustomField'"),
            (vec!["Email", "Email"], "'Email' twice"),
            (vec!["Email", ""], "column 2 has no name"),
        ] {
            let error = customers(&bad, &ids).unwrap_err();
            assert!(error.contains(named), "{bad:?}: {error}");
        }
    }

    #[test]
    fn order_columns_take_id_systems_after_their_prefix() {
        let ids = names(&["websiteID"]);
        let columns = orders(
            &[
                "OrderIdsWebsiteID",
                "CustomerIdswebsiteID",
                "OrderLineProductIdsSKU",
                "OrderLineQuantity",
                "OrderLineId",
            ],
            &ids,
        )
        .unwrap();
        assert_eq!(
            columns,
            [
                OrderColumn::OrderId("WebsiteID".into()),
                OrderColumn::CustomerId("websiteID".into()),
                OrderColumn::ProductId("SKU".into()),
                OrderColumn::Quantity,
                OrderColumn::LineId,
            ]
        );
        for bad in [
            "CustomerIdsWebsiteID",
            "OrderIds",
            "OrderLineProductIds",
            "Email",
        ] {
            let error = orders(&[bad], &ids).unwrap_err();
            assert!(
                error.contains(&format!("unknown column '{bad}'")),
                "{error}"
            );
        }
    }
}
