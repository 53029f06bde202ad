"""A publisher sub-site: /shop/ maps URLs to the functions and objects of this file.

    /shop/                          index()
    /shop/greet?name=Ada            greet(req, name="Ada")   (form fields become arguments)
    /shop/cart/add?item=pen         cart.add(item="pen")     (a method of an instance)
    /shop/report                    report(req), behind Basic auth (user staff, password
                                    letmein), realm "Shop staff"
"""

from mod_python import apache

PRICES = {"pen": 2, "ink": 5, "paper": 3}


def index(req):
    # A string ending in </html> is sent as text/html by the publisher.
    items = "".join("<li>%s: %d EUR</li>" % (name, price) for name, price in sorted(PRICES.items()))
    return "<html><body><h1>Shop</h1><ul>%s</ul></body></html>" % items


def greet(req, name="world", greeting="Hello"):
    # With "PythonOption mod_python.util.str_fields On" the fields arrive as str,
    # from the query string or from a POSTed form alike.
    return "%s, %s!\n" % (greeting, name)


class Cart:
    """One shared instance: the publisher traverses into it and calls its methods."""

    def __init__(self):
        self.items = []

    def add(self, req, item):
        if item not in PRICES:
            raise apache.SERVER_RETURN(apache.HTTP_NOT_FOUND)
        self.items.append(item)
        return "added %s, %d item(s) in the cart\n" % (item, len(self.items))

    def total(self, req):
        return "total: %d EUR\n" % sum(PRICES[item] for item in self.items)


cart = Cart()


def report(req):
    # The publisher reads these nested definitions without running the function:
    # a request without the right credentials gets a 401 challenge for this realm.
    __auth_realm__ = "Shop staff"
    __auth__ = {"staff": "letmein"}

    return "sales report: %d item(s) sold\n" % len(cart.items)


def _restock(req):
    # Names starting with an underscore are never published (403).
    return "restocked"
