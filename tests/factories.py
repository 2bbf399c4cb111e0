import factory
from factory.django import DjangoModelFactory

from accounts.demo import demo_uscc
from accounts.models import Jurisdiction, Organisation, Role, User

PASSWORD = "Test-password-2026"


def jurisdiction(code: str = "130602") -> Jurisdiction:
    """One of the 26 jurisdictions the data migration loads."""
    return Jurisdiction.objects.get(code=code)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"保定测试科技有限公司{n:04d}")
    kind = Organisation.Kind.ENTERPRISE
    industry = Organisation.Industry.MANUFACTURING
    legal_representative = "张三"
    jurisdiction = factory.LazyFunction(jurisdiction)
    uscc = factory.LazyAttribute(
        lambda o: demo_uscc(
            o.name,
            authority="91",
            division=o.jurisdiction.code if o.jurisdiction else "110105",
        )
    )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    last_name = "测"
    first_name = factory.Sequence(lambda n: f"试{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class LeadUnitUserFactory(UserFactory):
    role = Role.LEAD_UNIT
    organisation = factory.SubFactory(OrganisationFactory)


class CountyReviewerFactory(UserFactory):
    role = Role.COUNTY_REVIEWER
    jurisdiction = factory.LazyFunction(jurisdiction)


class MunicipalStaffFactory(UserFactory):
    role = Role.MUNICIPAL_STAFF


class EvaluatorFactory(UserFactory):
    role = Role.EVALUATOR
    organisation = factory.SubFactory(OrganisationFactory, jurisdiction=None)


class AdminFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True
    is_superuser = True
