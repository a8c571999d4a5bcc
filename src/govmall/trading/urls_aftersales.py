"""Pages of trading: evaluation and after-sales tickets (included by trading/urls.py under the
"trading" namespace)."""

from django.urls import URLPattern, path

from govmall.trading import views_aftersales as views

urlpatterns: list[URLPattern] = [
    path("tickets/", views.ticket_list, name="tickets"),
    path("tickets/<str:number>/", views.ticket_detail, name="ticket_detail"),
    *[
        path(
            f"tickets/<str:number>/{action}/",
            views.ticket_action,
            {"action": action},
            name=f"ticket_{action}",
        )
        for action in views.ACTIONS
    ],
    path("orders/<str:number>/aftersales/", views.order_aftersales, name="order_aftersales"),
    path("orders/<str:number>/evaluation/", views.evaluation_submit, name="evaluation_submit"),
    path("orders/<str:number>/tickets/new/", views.ticket_open, name="ticket_open"),
]
