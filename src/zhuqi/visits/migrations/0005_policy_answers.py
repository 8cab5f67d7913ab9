"""The catalogue's policies an enterprise named in a visit's policy check (VisitPolicy), beside the
free texts, which stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('policies', '0001_initial'),
        ('visits', '0004_search_words'),
    ]

    operations = [
        migrations.CreateModel(
            name='VisitPolicy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('answer', models.CharField(choices=[('received', '已享受'), ('unknown', '不了解'), ('unobtainable', '未能享受')], max_length=12, verbose_name='政策落实情况')),
                ('attendance', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='policy_answers', to='visits.visitenterprise', verbose_name='参加企业')),
                ('policy', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='visit_answers', to='policies.policy', verbose_name='政策')),
            ],
            options={
                'verbose_name': '政策落实情况',
                'verbose_name_plural': '政策落实情况',
                'indexes': [models.Index(fields=['policy', 'attendance'], name='visit_policy_idx')],
                'constraints': [models.UniqueConstraint(fields=('attendance', 'policy'), name='visit_policy_unique')],
            },
        ),
    ]
