<?php

namespace Rustbox\Mindbox\Config;

/**
 * The module's options, each with its default and its place on the settings page: the one table that
 * default_option.php (what the core's Option::get() falls back to), Settings and Admin\OptionsForm read. The core
 * includes default_option.php by path, also before the module is loaded, so this file depends on no other class.
 */
final class Options
{
    public const MODULE_ID = 'rustbox.mindbox';

    /**
     * name => [default, form type, form tab], in the order the settings page shows them. Form types: text, secret, url,
     * number, select (choices in Admin\OptionsForm), yesno, events, json, password (stored as its hash).
     */
    public const TABLE = [
        'endpoint_id' => ['', 'text', 'connection'],
        'secret_key' => ['', 'secret', 'connection'],
        'api_url' => ['https://api.mindbox.ru', 'url', 'connection'],
        'auth_scheme' => ['', 'select', 'connection'],
        'timeout' => ['5', 'number', 'connection'],
        'outbox_path' => ['', 'text', 'connection'],
        // set_wishlist is off: a shop decides whether put-aside items are a wish list in its Mindbox project.
        'enabled_events' => [
            'create_order,update_order,register,update_profile,set_cart,subscribe_email,authorize,view_product,view_category,save_offline_order',
            'events',
            'events',
        ],
        'op_create_order' => ['Website.CreateOrder', 'text', 'events'],
        'op_update_order' => ['Website.UpdateOrder', 'text', 'events'],
        // A change of an order's status alone ("Изменение статуса позиции заказа"), under the update_order switch.
        'op_update_order_status' => ['Website.UpdateOrderStatus', 'text', 'events'],
        // Whose saves of an order after checkout reach Mindbox (Support\SaveContext).
        'order_edits_admin' => ['Y', 'yesno', 'events'],
        'order_edits_exchange' => ['Y', 'yesno', 'events'],
        'order_edits_rest' => ['Y', 'yesno', 'events'],
        'order_edits_agent' => ['Y', 'yesno', 'events'],
        'order_edits_site' => ['Y', 'yesno', 'events'],
        'op_register' => ['Website.Register', 'text', 'events'],
        'op_update_profile' => ['Website.UpdateProfile', 'text', 'events'],
        'op_set_cart' => ['Website.SetCart', 'text', 'events'],
        'op_subscribe_email' => ['Website.SubscribeEmail', 'text', 'events'],
        'op_authorize' => ['Website.AuthorizeCustomer', 'text', 'events'],
        'op_set_wishlist' => ['Website.SetWishList', 'text', 'events'],
        'op_view_product' => ['Website.ViewProduct', 'text', 'events'],
        'op_view_category' => ['Website.ViewCategory', 'text', 'events'],
        'op_get_balance' => ['Website.GetCustomerBalance', 'text', 'events'],
        'customer_id_key' => ['websiteID', 'text', 'ids'],
        'order_id_key' => ['websiteID', 'text', 'ids'],
        'product_id_key' => ['websiteID', 'text', 'ids'],
        'product_id_source' => ['XML_ID', 'select', 'ids'],
        'status_map' => ['{}', 'json', 'ids'],
        'test_mode' => ['N', 'yesno', 'mode'],
        'test_prefix' => ['test-', 'text', 'mode'],
        'tracker_enabled' => ['Y', 'yesno', 'mode'],
        'op_identify' => ['SiteVisit', 'text', 'mode'],
        'loyalty_enabled' => ['N', 'yesno', 'mode'],
        'loyalty_mode' => ['standard', 'select', 'mode'],
        // Loyalty processing at checkout (loyalty_mode = processing).
        'op_calculate_cart' => ['Website.CalculateAuthorizedCart', 'text', 'mode'],
        'op_calculate_guest_cart' => ['Website.CalculateUnauthorizedCart', 'text', 'mode'],
        'op_create_processed_order' => ['Website.CreateAuthorizedOrder', 'text', 'mode'],
        'op_create_guest_processed_order' => ['Website.CreateUnauthorizedOrder', 'text', 'mode'],
        'op_save_offline_order' => ['Website.SaveOfflineOrder', 'text', 'mode'],
        'temp_order_id_key' => ['websiteTempID', 'text', 'mode'],
        'balance_type' => ['', 'text', 'mode'],
        'balance_timeout' => ['2', 'number', 'mode'],
        'breaker_seconds' => ['60', 'number', 'mode'],
        // Longer than any hit lives: only a hit that died leaves an order Mindbox confirmed unsaved this long.
        'unsaved_cancel_seconds' => ['900', 'number', 'mode'],
        'points_decimals' => ['2', 'select', 'mode'],
        // The product feed (Feed\FeedJob); FeedSettings reads these.
        'feed_enabled' => ['N', 'yesno', 'feed'],
        'feed_iblock_id' => ['', 'text', 'feed'],
        // Empty: the base price type (BASE = Y).
        'feed_price_type' => ['', 'text', 'feed'],
        'feed_page_size' => ['1000', 'number', 'feed'],
        'feed_params' => ['', 'text', 'feed'],
        'feed_vendor_property' => ['', 'text', 'feed'],
        'feed_vendor_code_property' => ['', 'text', 'feed'],
        'feed_gzip' => ['N', 'yesno', 'feed'],
        'feed_regions' => ['{}', 'json', 'feed'],
        'feed_https' => ['Y', 'yesno', 'feed'],
        // Empty: the site's server name, else the main module's.
        'feed_server_name' => ['', 'text', 'feed'],
        // How often the agent makes the feed, and how long a step of a run made across web requests may read.
        'feed_interval_hours' => ['24', 'number', 'feed'],
        'feed_step_seconds' => ['3', 'number', 'feed'],
        // The protected endpoint (Feed\FeedEndpoint): an empty login asks for no password; the password is stored hashed.
        'feed_login' => ['', 'text', 'feed'],
        'feed_password' => ['', 'password', 'feed'],
        // The history's export by bulk import (History\HistoryJob); HistorySettings reads these.
        'history_op_customers' => ['DirectCrm.Customers.Import', 'text', 'history'],
        'history_op_orders' => ['RetailOrder.Import', 'text', 'history'],
        'history_date_format' => ['Y-m-d H:i:s', 'select', 'history'],
        'history_part_mb' => ['150', 'number', 'history'],
        'history_part_rows' => ['1000000', 'number', 'history'],
        'history_gzip_customers' => ['Y', 'yesno', 'history'],
        'history_gzip_orders' => ['N', 'yesno', 'history'],
        'history_page_size' => ['500', 'number', 'history'],
        'history_step_seconds' => ['5', 'number', 'history'],
        // Empty: the endpoint id.
        'history_point_of_contact' => ['', 'text', 'history'],
        'history_imports_per_hour' => ['60', 'number', 'history'],
        // Empty: a folder beside the SQLite outbox (see HistorySettings::directory()).
        'history_directory' => ['', 'text', 'history'],
    ];

    /** @return array<string, string> name => default */
    public static function defaults(): array
    {
        return array_map(static fn (array $option): string => $option[0], self::TABLE);
    }

    public static function default(string $name): string
    {
        return self::TABLE[$name][0];
    }
}
