"""The project's industrial chain becomes a link to chains.Chain. The text written so far is
kept as `chain_name`; each is linked to the chain it names in the project's region or a region
above it (projects/chain_names.py: 光伏装备 = 光伏装备产业链 = 光伏装备链). A text that names no chain,
or several, stays as written with no link: the library's 产业链未匹配 filter and
`zhuqi unmatched_project_chains` list them for a person, never dropped."""

import django.db.models.deletion
from django.db import migrations, models


def link(apps, schema_editor):
    from zhuqi.projects.chain_names import link_written_chains

    alias = schema_editor.connection.alias
    Project = apps.get_model("projects", "Project")
    Chain = apps.get_model("chains", "Chain")
    link_written_chains(Project.objects.using(alias), Chain.objects.using(alias))


def unlink(apps, schema_editor):
    # Back to text: each linked project's chain written by its name.
    alias = schema_editor.connection.alias
    Project = apps.get_model("projects", "Project")
    for pk, name in Project.objects.using(alias).filter(chain__isnull=False).values_list("pk", "chain__name"):
        Project.objects.using(alias).filter(pk=pk).update(chain_name=name[:50], chain=None)


class Migration(migrations.Migration):
    dependencies = [
        ("chains", "0001_initial"),
        ("projects", "0003_search_words"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="project", name="project_chain_idx"),
        migrations.RenameField(model_name="project", old_name="chain", new_name="chain_name"),
        migrations.AlterField(
            model_name="project",
            name="chain_name",
            field=models.CharField(blank=True, max_length=50, verbose_name="所属产业链（原文）"),
        ),
        migrations.AddField(
            model_name="project",
            name="chain",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="projects",
                to="chains.chain",
                verbose_name="所属产业链",
            ),
        ),
        migrations.RunPython(link, unlink),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["chain", "stage"], name="project_chain_stage_idx"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                condition=models.Q(("chain__isnull", True), models.Q(("chain_name", ""), _negated=True)),
                fields=["chain_name"],
                name="project_chain_unmatched_idx",
            ),
        ),
    ]
