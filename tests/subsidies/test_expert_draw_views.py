"""The draw, the redraw and the evaluator's recusal through HTTP (issue 15 items 12, 13):
who may, what the pages say, what the log and the bureau receive."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from audit.models import AuditEntry
from core.models import OutboxMessage
from subsidies import services
from subsidies.models import Assignment, ExpertDraw
from tests.factories import (
    CountyReviewerFactory,
    EvaluatorFactory,
    LeadUnitUserFactory,
    MunicipalStaffFactory,
    submitted_application,
    subsidy_round,
)

pytestmark = pytest.mark.django_db


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def world():
    staff = MunicipalStaffFactory()
    round_ = subsidy_round(staff=staff)
    application = submitted_application(round_)
    experts = [EvaluatorFactory() for _ in range(4)]
    return {"staff": staff, "round": round_, "application": application, "experts": experts}


def _drawn(world, n=3):
    services.draw_panels(round_=world["round"], by=world["staff"], per_application=n)
    return list(world["application"].assignments.order_by("pk"))


def test_staff_draw_from_the_round_page(client, world):
    client.force_login(world["staff"])
    page = client.get(reverse("subsidies:round_detail", args=[world["round"].pk]))
    assert "随机抽取评审专家" in page.content.decode() and 'name="per_application"' in (
        page.content.decode()
    )
    response = client.post(
        reverse("subsidies:draw", args=[world["round"].pk]), {"per_application": "3"}
    )
    assert response.status_code == 302
    draw = ExpertDraw.objects.get()
    assert any(f"随机种子{draw.seed}" in t for t in texts(response))
    assert world["application"].assignments.count() == 3
    page = client.get(reverse("subsidies:round_detail", args=[world["round"].pk])).content.decode()
    assert "评审专家抽取记录" in page and draw.seed in page and "候选专家：" in page


def test_the_number_typed_is_checked_against_the_pool(client, world):
    client.force_login(world["staff"])
    response = client.post(
        reverse("subsidies:draw", args=[world["round"].pk]), {"per_application": "9"}
    )
    assert "每份申请的评审专家人数不能超过专家库人数（4人）。" in texts(response)
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("factory", [EvaluatorFactory, LeadUnitUserFactory, CountyReviewerFactory])
def test_only_municipal_staff_draw_and_redraw(client, world, factory):
    assignment = _drawn(world)[0]
    client.force_login(factory())
    draw = client.post(
        reverse("subsidies:draw", args=[world["round"].pk]), {"per_application": "3"}
    )
    redraw_page = client.get(reverse("subsidies:redraw", args=[assignment.pk]))
    redraw = client.post(reverse("subsidies:redraw", args=[assignment.pk]), {"reason": "出差"})
    assert draw.status_code == redraw_page.status_code == redraw.status_code == 403
    assert (
        ExpertDraw.objects.count() == 1
        and not Assignment.objects.filter(withdrawn_at__isnull=False).exists()
    )


def test_draw_is_post_only(client, world):
    client.force_login(world["staff"])
    assert client.get(reverse("subsidies:draw", args=[world["round"].pk])).status_code == 405


def test_staff_redraw_one_expert_with_a_reason(client, world):
    assignment = _drawn(world)[0]
    client.force_login(world["staff"])
    url = reverse("subsidies:redraw", args=[assignment.pk])
    page = client.get(url).content.decode()
    assert "重新抽取理由" in page and assignment.evaluator.get_full_name() in page
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and "请填写理由。" in refused.content.decode()
    response = client.post(url, {"reason": "专家临时出差"})
    assert response.status_code == 302 and "已重新抽取评审专家。" in texts(response)
    assignment.refresh_from_db()
    assert assignment.withdrawal == "replaced"
    spare = {e.pk for e in world["experts"]} - set(
        world["application"].assignments.values_list("evaluator_id", flat=True)
    )
    assert spare == set()  # the fourth expert was drawn in
    page = client.get(reverse("subsidies:round_detail", args=[world["round"].pk])).content.decode()
    assert "已重新抽取替换" in page and "专家临时出差" in page


def test_the_evaluator_recuses_with_a_reason(client, world):
    assignment = _drawn(world)[0]
    evaluator = assignment.evaluator
    client.force_login(evaluator)
    listing = client.get(reverse("subsidies:assignment_list")).content.decode()
    url = reverse("subsidies:recuse", args=[assignment.pk])
    assert url in listing and "申请回避" in listing
    declare = client.get(reverse("subsidies:declare", args=[assignment.pk])).content.decode()
    assert url in declare
    assert client.post(url, {"reason": ""}).status_code == 200
    response = client.post(url, {"reason": "本人近三年与该联盟牵头单位合作"})
    assert response.status_code == 302
    assert "已申请回避，该评审任务已撤回，市科技局将另行抽取评审专家。" in texts(response)
    assignment.refresh_from_db()
    assert assignment.withdrawal == "recused"
    entry = AuditEntry.objects.for_object(world["application"]).get(action="recuse")
    assert entry.actor == evaluator and entry.reason == "本人近三年与该联盟牵头单位合作"
    assert OutboxMessage.objects.filter(task__endswith="send_recusal_declared_notice").exists()
    # Nothing of the application any more; the list says so.
    sheet = client.get(reverse("subsidies:score_sheet", args=[assignment.pk]))
    assert sheet.status_code == 302 and "您已申请回避，该评审任务已撤回。" in texts(sheet)
    detail = reverse("subsidies:application_detail", args=[world["application"].pk])
    assert client.get(detail).status_code == 404
    listing = client.get(reverse("subsidies:assignment_list")).content.decode()
    assert "您已申请回避，该任务已撤回。" in listing and url not in listing
    # The bureau's round page: the panel is short, and the place can be filled.
    client.force_login(world["staff"])
    page = client.get(reverse("subsidies:round_detail", args=[world["round"].pk])).content.decode()
    assert "需补充专家" in page and "补抽一位" in page and "2/3" in page
    fill = client.post(reverse("subsidies:redraw", args=[assignment.pk]), {"reason": "专家回避"})
    assert fill.status_code == 302
    assert world["application"].assignments.filter(withdrawn_at__isnull=True).count() == 3


def test_the_recusal_notice_reaches_the_bureau(world):
    from subsidies.tasks import send_recusal_declared_notice

    assignment = _drawn(world)[0]
    services.recuse(assignment=assignment, by=assignment.evaluator, reason="亲属任职")
    send_recusal_declared_notice(assignment.pk)
    from core.models import Notification

    notice = Notification.objects.get(user=world["staff"])
    assert "申请回避" in notice.subject and "亲属任职" in notice.body


def test_another_evaluator_cannot_recuse_for_someone(client, world):
    assignment = _drawn(world)[0]
    other = Assignment.objects.exclude(evaluator=assignment.evaluator).first().evaluator
    client.force_login(other)
    url = reverse("subsidies:recuse", args=[assignment.pk])
    assert client.post(url, {"reason": "冒名"}).status_code == 404
    client.force_login(world["staff"])
    assert client.post(url, {"reason": "冒名"}).status_code == 403
    assignment.refresh_from_db()
    assert not assignment.is_withdrawn


def test_no_recusal_after_submitting(world):
    assignment = _drawn(world)[0]
    evaluator = assignment.evaluator
    services.declare_no_conflict(assignment=assignment, by=evaluator)
    services.round_start_evaluation(round_=world["round"], by=world["staff"])
    services.score_save(
        assignment=assignment,
        by=evaluator,
        scores={c.pk: (80, "") for c in world["round"].criteria.all()},
        comment="规范",
        submit=True,
    )
    with pytest.raises(Exception) as refused:
        services.recuse(assignment=assignment, by=evaluator, reason="晚了")
    assert "评分已提交，不能再申请回避" in str(refused.value)


def test_the_round_page_does_not_grow_queries_with_draws(
    client, world, django_assert_max_num_queries
):
    _drawn(world)
    client.force_login(world["staff"])
    url = reverse("subsidies:round_detail", args=[world["round"].pk])
    client.get(url)
    for assignment in list(world["application"].assignments.all())[:1]:
        services.redraw(assignment=assignment, by=world["staff"], reason="出差")
    with django_assert_max_num_queries(40) as captured:
        client.get(url)
    before = len(captured)
    for _ in range(3):
        EvaluatorFactory()
    services.draw_panels(round_=world["round"], by=world["staff"], per_application=4)
    with django_assert_max_num_queries(before):
        client.get(url)


def test_the_replaced_expert_is_told(world):
    from core.models import Notification
    from subsidies.tasks import send_withdrawal_notice

    assignment = _drawn(world)[0]
    services.redraw(assignment=assignment, by=world["staff"], reason="出差")
    send_withdrawal_notice(assignment.pk)
    notice = Notification.objects.get(
        user=assignment.evaluator, subject__startswith="评审任务已撤回"
    )
    assert world["application"].alliance.name in notice.body and "无需再评分" in notice.body
