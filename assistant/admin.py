from django.contrib import admin

from assistant.models import ChatMessage, ChatSession


class ChatMessageInline(admin.TabularInline):
    model = ChatMessage
    fields = ("role", "text", "intent", "filters", "backend", "elapsed_ms", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "title", "created_at", "updated_at")
    search_fields = ("user__email", "title")
    list_select_related = ("user",)
    readonly_fields = ("user", "state", "created_at", "updated_at")
    inlines = (ChatMessageInline,)
