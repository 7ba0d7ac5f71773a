from django.db import models


class Incident(models.Model):
    """Hindsight's incidents table as the floor reads it: four columns, no managers, no relations, never migrated."""

    id = models.BigAutoField(primary_key=True)
    title = models.CharField(max_length=200)
    severity = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20)
    started_at = models.DateTimeField()

    class Meta:
        app_label = "bare"
        db_table = "incidents_incident"
        managed = False

    def __str__(self):
        return self.title
