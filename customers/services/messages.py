"""The refusals of customer and group writes: the contract's exact texts (API.md §8).

`FIELD_OF_MESSAGE` says which model field a refusal concerns, so the admin's forms and its
import show it beside that field.
"""

EMAIL_TAKEN_ON_ADD = "A Customer is already registered with this email Id."
EMAIL_TAKEN_ON_UPDATE = "MailId is already registered"
PASSWORD_MISMATCH = "Password does not match."
INVALID_GROUP = "Invalid customer group Id."
INVALID_CUSTOMER_ON_UPDATE = "Invalid customer id."
INVALID_CUSTOMER = "Invalid customer Id."
CUSTOMER_NO_TAKEN = "Customer number is already in use"
VENDOR_HAS_PRODUCTS = (
    "This customer have vendor account, you have to first delete the products mapped to this "
    "Vendor."
)
BULK_INVALID_CUSTOMER = "Please choose a Customer that you want to delete."
BULK_VENDOR_HAS_PRODUCTS = (
    "Choosen customer have vendor account, you have to first delete the products mapped to this "
    "Vendor."
)
GROUP_EXISTS = "This Customer Group already exists."
INVALID_GROUP_ID = "Invalid group Id."
DEFAULT_GROUP_PROTECTED = "You cannot delete this customer group."
GROUP_IN_USE = "You cannot delete this Customer group as Users are mapped to it."

FIELD_OF_MESSAGE = {
    EMAIL_TAKEN_ON_ADD: "email",
    EMAIL_TAKEN_ON_UPDATE: "email",
    INVALID_GROUP: "customer_group",
    PASSWORD_MISMATCH: "password2",
    CUSTOMER_NO_TAKEN: "customer_no",
    GROUP_EXISTS: "name",
}
