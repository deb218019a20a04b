from django.apps import AppConfig


class DialogueConfig(AppConfig):
    name = "portal.dialogue"
    label = "dialogue"
    verbose_name = "Dialog zum Plan"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from portal.plan import generation

        from .models import DialogueClosure

        # Opening or closing a dialogue changes what every chapter shows; comments change it through services.py.
        post_save.connect(generation.bump, sender=DialogueClosure, dispatch_uid="dialogue-closure-saved")
        post_delete.connect(generation.bump, sender=DialogueClosure, dispatch_uid="dialogue-closure-deleted")
