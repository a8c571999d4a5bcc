"""Pages of trading: cart, orders, approvals, the supplier's orders to confirm (included by
trading/urls.py under the "trading" namespace)."""

from django.urls import URLPattern, path

from govmall.trading import views_approvals, views_cart, views_orders

urlpatterns: list[URLPattern] = [
    path("cart/", views_cart.cart, name="cart"),
    path("cart/add/", views_cart.cart_add, name="cart_add"),
    path("cart/checkout/", views_cart.cart_checkout, name="cart_checkout"),
    path("cart/<str:number>/", views_cart.cart_update, name="cart_update"),
    path("cart/<str:number>/remove/", views_cart.cart_remove, name="cart_remove"),
    path("orders/", views_orders.order_list, name="orders"),
    path("orders/<str:number>/", views_orders.order_detail, name="order_detail"),
    path("orders/<str:number>/approve/", views_orders.order_approve, name="order_approve"),
    path("orders/<str:number>/reject/", views_orders.order_reject, name="order_reject"),
    path("orders/<str:number>/cancel/", views_orders.order_cancel, name="order_cancel"),
    path("orders/<str:number>/confirm/", views_orders.order_confirm, name="order_confirm"),
    path("orders/<str:number>/decline/", views_orders.order_decline, name="order_decline"),
    path("approvals/", views_approvals.approvals, name="approvals"),
    path("supplier/orders/", views_approvals.supplier_orders, name="supplier_orders"),
]
