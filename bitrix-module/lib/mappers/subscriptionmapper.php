<?php

namespace Rustbox\Mindbox\Mappers;

use Rustbox\Mindbox\Config\Settings;
use Rustbox\Mindbox\Shop\Customers;

/** An e-mail subscription or unsubscription → the body of Website.SubscribeEmail. */
final class SubscriptionMapper
{
    public function __construct(private readonly Settings $settings)
    {
    }

    /**
     * @param int $userId the subscriber's user, 0 for none: a customer is named by their id as well
     * @return array|null null when $email is no e-mail address (the subscribe module runs its handlers even after its
     *         own checks of the address failed)
     */
    public function subscription(string $email, int $userId, bool $isSubscribed): ?array
    {
        $email = trim($email);
        if (filter_var($email, FILTER_VALIDATE_EMAIL) === false) {
            return null;
        }
        $customer = Customers::isCustomerId($userId) ? ['ids' => $this->settings->customerIds($userId)] : [];
        $customer['email'] = $email;
        $customer['subscriptions'] = [['pointOfContact' => 'Email', 'isSubscribed' => $isSubscribed]];
        return ['customer' => $customer];
    }
}
