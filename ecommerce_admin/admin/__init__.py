"""The shared admin toolkit: what every app's ModelAdmins build on."""
