<?php

namespace Rustbox\Mindbox\Config;

/**
 * The Mindbox operations the module sends, from the server or through the tracker on the page (the views). The value
 * is the operation's key in the `enabled_events` option and the suffix of its `op_<value>` option holding the
 * Mindbox operation name.
 */
enum Operation: string
{
    case CreateOrder = 'create_order';
    case UpdateOrder = 'update_order';
    case Register = 'register';
    case UpdateProfile = 'update_profile';
    case SetCart = 'set_cart';
    case SubscribeEmail = 'subscribe_email';
    case Authorize = 'authorize';
    case SetWishList = 'set_wishlist';
    case ViewProduct = 'view_product';
    case ViewCategory = 'view_category';
    /** Processing mode: an order placed while Mindbox could not confirm it at checkout. */
    case SaveOfflineOrder = 'save_offline_order';

    /**
     * The client's helper for the operation, or null when the client has none and `send()` is called with the
     * configured name. Helpers are preferred: the extension knows their delivery endpoint and ordering key.
     */
    public function helper(): ?string
    {
        return match ($this) {
            self::CreateOrder => 'createOrder',
            self::UpdateOrder => 'updateOrder',
            self::Register => 'registerCustomer',
            self::UpdateProfile => 'updateCustomer',
            self::SetCart => 'setCart',
            self::SubscribeEmail => 'subscribeEmail',
            self::Authorize, self::SetWishList, self::ViewProduct, self::ViewCategory, self::SaveOfflineOrder => null,
        };
    }

    /** Whether the browser sends it, through the tracker, rather than the server. */
    public function isTracked(): bool
    {
        return $this === self::ViewProduct || $this === self::ViewCategory;
    }

    public function optionName(): string
    {
        return 'op_' . $this->value;
    }

    /**
     * Whether the visitor's deviceUUID goes along. Mindbox refuses it on operations not configured to take it, and
     * an order may be saved from a manager's browser, so only what the visitor does themselves carries it.
     */
    public function carriesDevice(): bool
    {
        return match ($this) {
            self::CreateOrder, self::UpdateOrder, self::SaveOfflineOrder => false,
            default => true,
        };
    }
}
