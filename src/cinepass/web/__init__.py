"""The render server (Backend-for-Frontend): serves the SPA, keeps tokens in a sealed cookie."""
