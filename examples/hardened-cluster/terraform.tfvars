# Replace with your own Entra ID group and the networks your administrators and pipelines use.
admin_group_object_ids = ["6a5e1f2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"]
authorized_ip_ranges   = ["203.0.113.0/24"]
