"""Comments come only through the public form: nobody adds or edits one in the admin (moderating is its own screen)."""

from wagtail.permission_policies import ModelPermissionPolicy


class CommentPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        if action in ("add", "change"):
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if action in ("add", "change"):
            return False
        return super().user_has_permission_for_instance(user, action, instance)
